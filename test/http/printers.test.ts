// Proves the printer admin pages through the real router (session, CSRF, escaping): an admin
// adds a network printer pointed at a real TCP listener (logged as config.printer_saved), prints
// a test ticket whose preview shows the accents, the euro sign, the QR code and the cut, and the
// worker delivers it; a printer that is off shows "Hors ligne" with its error and the tickets
// waiting; a reprint is queued as a duplicate and logged; a bad address is refused with the
// typed values kept (escaped); the "Imprimantes" menu entry is for admins only; the demo venue
// comes with a simulated printer that prints.
import { afterEach, describe, expect, test } from "bun:test";
import { FakeClock, silentLogger } from "../../src/kernel/index.ts";
import { PrintWorker } from "../../src/jobs/index.ts";
import { enqueuePrintJob, findPrintJob, listPrinters, listPrintJobs, testTicketDocument } from "../../src/pos/index.ts";
import { previewText } from "../../hardware/printer/index.ts";
import { openBox } from "../../src/app.ts";
import { seedDemo } from "../../src/cli/demo.ts";
import { addOperator, Client, setUp, tempFolder, testBox, type TestBox } from "../helpers/box.ts";
import { TcpPrinterListener } from "../helpers/tcp-printer.ts";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function adminOn(): Promise<{ box: TestBox; client: Client; clock: FakeClock; listener: TcpPrinterListener; worker: PrintWorker }> {
  const clock = new FakeClock();
  const box = testBox({ clock });
  cleanups.push(() => box.dispose());
  await setUp(box);
  const listener = await TcpPrinterListener.start();
  cleanups.push(() => listener.off());
  const worker = new PrintWorker({ writer: box.writer, clock, logger: silentLogger });
  cleanups.push(() => worker.stop());
  const client = new Client(box);
  expect((await client.login()).status).toBe(303);
  return { box, client, clock, listener, worker };
}

function events(box: TestBox, kind: string): Array<{ subject: string; detail: string }> {
  return box.sqlite.query<{ subject: string; detail: string }, [string]>("SELECT subject, detail FROM event_log WHERE kind = ? ORDER BY seq").all(kind);
}

const KITCHEN = { name: "Cuisine", kind: "tcp", paper_mm: "80", code_page: "pc858", print_groups: "Cuisine, bar", has_cash_drawer: "1", active: "1" };

describe("printer pages", () => {
  test("add a printer, print a test ticket: the preview shows what the worker delivers", async () => {
    const { box, client, listener, worker } = await adminOn();
    const created = await client.post("/admin/printers", { ...KITCHEN, address: listener.address });
    expect(created.status).toBe(200);
    const [printer] = listPrinters(box.sqlite);
    expect(printer).toMatchObject({ name: "Cuisine", kind: "tcp", address: listener.address, paperMm: 80, codePage: "pc858", printGroups: ["bar", "cuisine"], hasCashDrawer: true, status: "unknown" });
    expect(await created.text()).toContain("Imprimante ajoutée");
    expect(events(box, "config.printer_saved")).toEqual([{ subject: `printer:${printer!.id}`, detail: JSON.stringify({ created: true, kind: "tcp" }) }]);

    const tested = await client.post(`/admin/printers/${printer!.id}/test`, {});
    const page = await tested.text();
    expect(tested.status).toBe(200);
    const [job] = listPrintJobs(box.sqlite);
    expect(job).toMatchObject({ kind: "test", state: "queued", printerId: printer!.id });
    expect(page).toContain(`Ticket de test n° ${job!.id} envoyé`);
    expect(page).toContain('<div class="receipt" style="--receipt-columns: 48">');
    expect(page).toContain("Accents : é è à ç ù â ê î ô û ë ï Ç É");
    expect(page).toContain("Euro : 12,50 €");
    expect(page).toContain(`Impression n° ${job!.id}`);
    expect(page).toContain('<span class="receipt-box">QR code</span><small>http://localhost/</small>');
    expect(page).toContain('<div class="receipt-cut" role="separator"><span>coupe</span></div>');

    await worker.tick();
    await worker.settle();
    const [delivered] = await listener.waitForJobs(1);
    const paper = previewText(delivered!, { columns: 48 });
    expect(paper).toContain("Euro : 12,50 €");
    expect(paper).toContain("[QR: http://localhost/]");
    expect(findPrintJob(box.sqlite, job!.id)?.state).toBe("done");
    const list = await (await client.get("/admin/printers")).text();
    expect(list).toContain('<strong class="printer-status online">En ligne</strong>');
    expect(list).toContain("Imprimée");
  });

  test("a printer that is off shows offline with its error and the tickets waiting; reprint is queued as a duplicate", async () => {
    const { box, client, listener, worker } = await adminOn();
    await client.post("/admin/printers", { ...KITCHEN, address: listener.address });
    const [printer] = listPrinters(box.sqlite);
    await client.post(`/admin/printers/${printer!.id}/test`, {});
    await worker.tick();
    await worker.settle();
    await listener.off();
    const [first] = listPrintJobs(box.sqlite);
    const reprinted = await client.post(`/admin/print-jobs/${first!.id}/reprint`, {});
    expect(reprinted.status).toBe(200);
    const [reprint] = listPrintJobs(box.sqlite);
    expect(reprint).toMatchObject({ reprintOf: first!.id, state: "queued" });
    expect(await reprinted.text()).toContain(`Réimpression n° ${reprint!.id} du ticket n° ${first!.id} envoyée`);
    expect(events(box, "print.reprinted").map((event) => event.subject)).toEqual([`print_job:${first!.id}`]);

    await worker.tick();
    await worker.settle();
    const page = await (await client.get(`/admin/printers/${printer!.id}`)).text();
    expect(page).toContain('<strong class="printer-status offline">Hors ligne</strong>');
    expect(page).toContain("printer_offline: cannot connect to 127.0.0.1:");
    expect(page).toMatch(/<dt>Tickets en attente<\/dt>\s*<dd>1<\/dd>/);
    expect(page).toContain("DUPLICATA");

    const jobPage = await (await client.get(`/admin/print-jobs/${reprint!.id}`)).text();
    expect(jobPage).toContain("Impression n° " + reprint!.id);
    expect(jobPage).toContain('<div class="receipt-line align-center bold size-2">DUPLICATA</div>');
    expect(jobPage).toContain(`Réimpression de l&#x27;impression n° ${first!.id}`);
  });

  test("editing logs which settings changed; a bad address is refused with the typed values kept and escaped", async () => {
    const { box, client } = await adminOn();
    await client.post("/admin/printers", { ...KITCHEN, kind: "simulated", address: "demo" });
    const [printer] = listPrinters(box.sqlite);
    const saved = await client.post(`/admin/printers/${printer!.id}`, { ...KITCHEN, kind: "simulated", address: "demo", paper_mm: "58" });
    expect(await saved.text()).toContain("Imprimante enregistrée.");
    expect(JSON.parse(events(box, "config.printer_saved").at(-1)!.detail)).toEqual({ changed: ["paperMm"] });

    const refused = await client.post("/admin/printers", { ...KITCHEN, name: '<script>alert("x")</script>', address: "not a host:99999" });
    expect(refused.status).toBe(400);
    const body = await refused.text();
    expect(body).toContain("Adresse invalide.");
    // Kept in the form, inside a quoted attribute whose quotes are escaped: text there, never a tag.
    expect(body.split("<script>alert").length).toBe(2);
    expect(body).toContain('value="<script>alert(&#34;x&#34;)</script>"');
    expect(listPrinters(box.sqlite)).toHaveLength(1);

    // A saved name with markup is text on every page that shows it, the ticket preview included.
    await client.post(`/admin/printers/${printer!.id}`, { ...KITCHEN, name: "<b>Bar</b>", kind: "simulated", address: "demo" });
    const pages = [await (await client.get("/admin/printers")).text(), await (await client.post(`/admin/printers/${printer!.id}/test`, {})).text()];
    for (const page of pages) {
      // Outside quoted attribute values (where "<" is only text), the markup never appears.
      expect(page.replaceAll(/value="[^"]*"/g, "")).not.toContain("<b>Bar</b>");
      expect(page).toContain("&lt;b&gt;Bar&lt;/b&gt;");
    }

    const missing = await client.get("/admin/printers/nope");
    expect(missing.status).toBe(404);
    expect((await client.get("/admin/print-jobs/12345")).status).toBe(404);
  });

  test("the menu shows Imprimantes to admins only (Printers in English)", async () => {
    const { box, client } = await adminOn();
    expect(await (await client.get("/admin")).text()).toContain('<a href="/admin/printers">Imprimantes</a>');
    await client.post("/lang", { lang: "en", back: "/admin" });
    expect(await (await client.get("/admin")).text()).toContain('<a href="/admin/printers">Printers</a>');
    await addOperator(box, "manager", "Mia Manager", { email: "mia@example.org", password: "long enough password" });
    const manager = new Client(box);
    await manager.login("mia@example.org", "long enough password");
    expect(await (await manager.get("/admin")).text()).not.toContain("/admin/printers");
    expect((await manager.get("/admin/printers")).status).toBe(403);
  });

  test("the demo venue has a simulated printer, and a test ticket reaches it", async () => {
    const folder = tempFolder();
    cleanups.push(() => folder.remove());
    await seedDemo(folder.path, () => undefined);
    const box = openBox({ dataDir: folder.path });
    cleanups.push(() => box.close());
    const [printer] = listPrinters(box.sqlite);
    expect(printer).toMatchObject({ name: "Imprimante simulée", kind: "simulated", address: "demo", printGroups: ["bar", "cuisine", "receipt"], hasCashDrawer: true });
    const document = testTicketDocument({ venueName: "Démo", printerName: printer!.name, printedAt: "maintenant", qrData: "http://tibox.local/" });
    await box.writer.submit((tx) => enqueuePrintJob(tx, { printerId: printer!.id, kind: "test", document }));
    const worker = new PrintWorker({ writer: box.writer, clock: new FakeClock(), logger: silentLogger });
    cleanups.push(() => worker.stop());
    await worker.tick();
    expect(await worker.settle()).toMatchObject([{ ok: true }]);
    const [paper] = worker.simulated.get("demo").jobs;
    expect(previewText(paper!, { columns: 48 })).toContain("Imprimante simulée");
  });
});
