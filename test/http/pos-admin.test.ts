// Proves the point of sale's admin pages on a real box with a fake clock, driven through app.handle
// by browser-like clients (cookies, CSRF): each page opens for its roles and a cashier or a door
// volunteer gets 403 (prices, voids, reports, closures); items are created and edited through the
// catalogue services, a refusal (negative price, free price without minimum, unknown VAT rate)
// shows its message and writes nothing, and a new price is what the till's quote charges next; a
// scripted day (sales by card, cash and bank card, a top-up, a refund, a void from the page) closes
// into a Z page whose figures equal the fiscal journal and the ledger, top-ups apart; the CSV
// exports escape separators, quotes, line breaks and formulas; the FEC has 18 columns, every day
// balanced and top-ups on 4191; the hour chart is an SVG with role="img" and a summary; training
// mode makes a till's sales training sales and its pages say FORMATION; the archive downloads and
// verifies; and every name with markup renders as text (checked with a real HTML parser).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { insertSession, type Role } from "../../src/auth/index.ts";
import { businessDayTurned } from "../../src/jobs/index.ts";
import { FakeClock, formatMoney, money } from "../../src/kernel/index.ts";
import { chainHead } from "../../src/ledger/index.ts";
import {
  closureBySeq,
  createSale,
  fiscalHead,
  findItem,
  listItems,
  listPaymentMethods,
  listPrintJobs,
  listVatRates,
  readPosSettings,
  receiptDocument,
  receiptOf,
  verifyArchiveText,
  insertPrinter,
  type SaleInput,
} from "../../src/pos/index.ts";
import { refund } from "../../src/wallet/index.ts";
import { Client, ORIGIN, addOperator } from "../helpers/box.ts";
import { line, loadCard, posBox, seller, type PosBox } from "../helpers/pos.ts";

const EVIL = `<script>alert("x")</script><img src=x onerror=alert(1)>`;
const MANAGER = { email: "manager@example.org", password: "long enough password" } as const;
const DAY = "2026-05-12";
const NEXT_DAY = "2026-05-13";
const at = (iso: string) => Date.parse(iso);
const euros = (cents: number) => formatMoney(money(cents), "EUR", "fr-FR");

let pos: PosBox;
let clock: FakeClock;
let admin: Client;
let manager: Client;
let cashier: Client;
let door: Client;
let tillToken = "";
let tillId = "";

async function sessionClient(role: Role, name: string, pin: string): Promise<Client> {
  const operator = await addOperator(pos.box, role, name, { pin });
  const client = new Client(pos.box);
  client.cookies.set("tibox_session", pos.box.writer.transact((tx) => insertSession(tx, pos.box.deps.random, operator.id, null)).cookieValue);
  return client;
}

beforeAll(async () => {
  // 20:00 in Paris (CEST), business day 2026-05-12; it ends at 06:00 on the 13th (04:00 UTC).
  clock = new FakeClock(at("2026-05-12T18:00:00Z"));
  pos = await posBox({ box: { clock } });
  admin = new Client(pos.box);
  expect((await admin.login()).status).toBe(303);
  await addOperator(pos.box, "manager", "Maud Manager", MANAGER);
  manager = new Client(pos.box);
  expect((await manager.login(MANAGER.email, MANAGER.password)).status).toBe(303);
  cashier = await sessionClient("cashier", "Camille Caisse", "4821");
  door = await sessionClient("door", "Dora Door", "7315");
  const till = pos.box.auth.addTerminalSync("test", "till", "Caisse du bar");
  tillToken = till.token;
  tillId = till.terminal.id;
});
afterAll(() => pos.box.dispose());

/** Moves the fake clock on; sessions last 12 hours, so the admin and the manager log in again. */
async function moveClock(iso: string): Promise<void> {
  clock.set(at(iso));
  expect((await admin.login()).status).toBe(303);
  expect((await manager.login(MANAGER.email, MANAGER.password)).status).toBe(303);
}

function count(sql: string): number {
  return pos.box.sqlite.query<{ n: number }, []>(sql).get()!.n;
}

function eventsOf(kind: string): number {
  return pos.box.sqlite.query<{ n: number }, [string]>("SELECT count(*) AS n FROM event_log WHERE kind = ?").get(kind)!.n;
}

async function api(path: string, body: unknown, key?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { authorization: `Bearer ${tillToken}`, "content-type": "application/json" };
  if (key) headers["idempotency-key"] = key;
  const response = await pos.box.app.handle(new Request(ORIGIN + path, { method: "POST", headers, body: JSON.stringify(body) }));
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function sell(input: SaleInput, actor = seller()) {
  return pos.box.writer.transact((tx) => createSale(tx, pos.deps, actor, input));
}

/** Parses a page with a real HTML parser: its scripts, on* handlers and images. */
async function injected(html: string): Promise<{ scripts: string[]; handlers: number; images: number }> {
  const found = { scripts: [] as string[], handlers: 0, images: 0 };
  await new HTMLRewriter()
    .on("script", { element: (element) => void found.scripts.push(element.getAttribute("src") ?? "inline") })
    .on("img", { element: () => void found.images++ })
    .on("*", {
      element: (element) => {
        for (const [name] of element.attributes) if (name.startsWith("on")) found.handlers++;
      },
    })
    .transform(new Response(html))
    .text();
  return found;
}
const OUR_SCRIPTS = ["/assets/htmx.min.js", "/assets/app.js"];

/** RFC 4180 fields of a CSV text (semicolons), the byte-order mark left out. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  for (let index = 0; index < body.length; index++) {
    const char = body[index]!;
    if (quoted) {
      if (char === '"' && body[index + 1] === '"') {
        cell += '"';
        index++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ";") {
      row.push(cell);
      cell = "";
    } else if (char === "\r" && body[index + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      index++;
    } else cell += char;
  }
  return rows;
}

const ITEM_FORM = {
  name: "Limonade",
  pos_main: "1",
  category_id: "",
  price_rows: "2",
  price_0_label: "",
  price_0_kind: "fixed",
  price_0_amount: "3,50",
  price_0_member: "3",
  vat_rate_bp: "1000",
  print_group: "bar",
  stock: "24",
  low_stock_threshold: "5",
  position: "3",
  active: "1",
};

describe("pages and roles", () => {
  test("admins open every page; managers the items, closures, reports and sales", async () => {
    const beer = pos.items.beer.id;
    const adminPages = ["/admin/pos/items", `/admin/pos/items/${beer}`, "/admin/pos/categories", "/admin/pos/points-of-sale", "/admin/pos/points-of-sale/main", "/admin/pos/vat-rates", "/admin/pos/payment-methods", "/admin/pos/settings", "/admin/pos/closures", "/admin/pos/reports", "/admin/pos/sales"];
    for (const path of adminPages) expect({ path, status: (await admin.get(path)).status }).toEqual({ path, status: 200 });
    for (const path of ["/admin/pos/items", `/admin/pos/items/${beer}`, "/admin/pos/closures", "/admin/pos/reports", "/admin/pos/sales", `/admin/pos/reports/sales.csv?from=${DAY}&to=${DAY}`]) {
      expect({ path, status: (await manager.get(path)).status }).toEqual({ path, status: 200 });
    }
    for (const path of ["/admin/pos/categories", "/admin/pos/points-of-sale", "/admin/pos/vat-rates", "/admin/pos/payment-methods", "/admin/pos/settings"]) {
      expect({ path, status: (await manager.get(path)).status }).toEqual({ path, status: 403 });
    }
    const managerItems = await (await manager.get("/admin/pos/items")).text();
    expect(managerItems).not.toContain('action="/admin/pos/items"');
    expect(await (await admin.get("/admin/pos/items")).text()).toContain('action="/admin/pos/items"');
  });

  test("the navigation leads admins and managers to the catalogue, closures and reports, and no one else", async () => {
    for (const client of [admin, manager]) {
      const page = await (await client.get("/admin")).text();
      for (const href of ["/admin/pos/items", "/admin/pos/closures", "/admin/pos/reports"]) expect(page).toContain(`href="${href}"`);
    }
    expect(await (await cashier.get("/terminal")).text()).not.toContain('href="/admin/pos/reports"');
  });

  test("a cashier and a door volunteer cannot change prices, void, or see reports and closures (403)", async () => {
    const beer = pos.items.beer;
    const sale = sell({ pointOfSale: "main", lines: [line(beer)], payments: [{ method: "cash", amount: 450 }] });
    for (const client of [cashier, door]) {
      for (const path of ["/admin/pos/items", `/admin/pos/items/${beer.id}`, "/admin/pos/reports", `/admin/pos/reports/fec.txt?from=${DAY}&to=${DAY}`, `/admin/pos/reports/sales.csv?from=${DAY}&to=${DAY}`, "/admin/pos/closures", "/admin/pos/sales"]) {
        expect({ path, status: (await client.get(path)).status }).toEqual({ path, status: 403 });
      }
      const price = await client.post(`/admin/pos/items/${beer.id}`, { price_rows: "1", price_0_id: beer.prices[0]!.id, price_0_label: "Pinte", price_0_kind: "fixed", price_0_amount: "0,01" });
      expect(price.status).toBe(403);
      expect((await client.post(`/admin/pos/sales/${sale.number}/void`, { reason: "no" })).status).toBe(403);
      expect((await client.post("/admin/pos/closures", { period: DAY })).status).toBe(403);
    }
    expect(findItem(pos.box.sqlite, beer.id)!.prices[0]!.amount).toBe(450);
    expect(count("SELECT count(*) AS n FROM sale_voids")).toBe(0);
    expect(count("SELECT count(*) AS n FROM closures")).toBe(0);
  });

  test("an unknown item, point of sale or closure is a 404 page", async () => {
    expect((await admin.get("/admin/pos/items/NOPE")).status).toBe(404);
    expect((await admin.get("/admin/pos/points-of-sale/nope")).status).toBe(404);
    expect((await manager.get("/admin/pos/closures/999")).status).toBe(404);
    expect((await manager.get("/admin/pos/closures/1")).status).toBe(404);
  });
});

describe("catalogue", () => {
  test("an admin creates an item: prices typed as 3,50, VAT, stock, and an event", async () => {
    const before = eventsOf("config.item_saved");
    const response = await admin.post("/admin/pos/items", ITEM_FORM);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("Article « Limonade » créé.");
    const item = listItems(pos.box.sqlite).find((candidate) => candidate.name === "Limonade")!;
    expect(item).toMatchObject({ pointsOfSale: ["main"], vatRateBp: 1000, printGroup: "bar", stock: 24, lowStockThreshold: 5, position: 3, active: true });
    expect(item.prices.map((price) => [price.label, price.kind, price.amount, price.memberAmount])).toEqual([["", "fixed", 350, 300]]);
    expect(eventsOf("config.item_saved")).toBe(before + 1);
  });

  test("an admin creates a membership item (365 days) and a member-only item; a bad duration is refused", async () => {
    const created = await admin.post("/admin/pos/items", { ...ITEM_FORM, name: "Adhésion annuelle", membership_days: "365" });
    expect(created.status).toBe(200);
    const membership = listItems(pos.box.sqlite).find((candidate) => candidate.name === "Adhésion annuelle")!;
    expect(membership).toMatchObject({ membershipDays: 365, memberOnly: false });
    expect(await (await admin.get(`/admin/pos/items/${membership.id}`)).text()).toContain('name="membership_days" inputmode="numeric" value="365"');
    expect((await admin.post("/admin/pos/items", { ...ITEM_FORM, name: "Bière adhérent", member_only: "on" })).status).toBe(200);
    expect(listItems(pos.box.sqlite).find((candidate) => candidate.name === "Bière adhérent")).toMatchObject({ memberOnly: true, membershipDays: null });
    const refused = await admin.post("/admin/pos/items", { ...ITEM_FORM, name: "Adhésion éternelle", membership_days: "0" });
    expect(refused.status).toBe(400);
    expect(listItems(pos.box.sqlite).some((candidate) => candidate.name === "Adhésion éternelle")).toBe(false);
  });

  test("a negative price, a free price without its minimum, an unknown VAT rate: refused with their message, nothing written", async () => {
    const items = listItems(pos.box.sqlite).length;
    const events = eventsOf("config.item_saved");
    const cases: Array<[Record<string, string>, string]> = [
      [{ ...ITEM_FORM, name: "Négatif", price_0_amount: "-3,50", price_0_member: "" }, "Montant invalide"],
      [{ ...ITEM_FORM, name: "Libre", price_0_kind: "free", price_0_label: "Don", price_0_amount: "", price_0_member: "" }, "Un prix libre a un minimum"],
      [{ ...ITEM_FORM, name: "Taux inconnu", vat_rate_bp: "1234" }, "Ce taux de TVA n'existe pas"],
      [{ ...ITEM_FORM, name: "Nulle part", pos_main: "" }, "Cochez au moins un point de vente."],
    ];
    for (const [form, message] of cases) {
      const response = await admin.post("/admin/pos/items", form);
      expect({ name: form.name, status: response.status }).toEqual({ name: form.name, status: 400 });
      const html = await response.text();
      expect(html).toContain(message);
      // The form comes back as typed.
      expect(html).toContain(`value="${form.name}"`);
    }
    expect(listItems(pos.box.sqlite).length).toBe(items);
    expect(eventsOf("config.item_saved")).toBe(events);
  });

  test("an admin edits an item: several prices with labels, a member price, a free price with a minimum", async () => {
    const item = listItems(pos.box.sqlite).find((candidate) => candidate.name === "Limonade")!;
    const response = await admin.post(`/admin/pos/items/${item.id}`, {
      ...ITEM_FORM,
      name: "Limonade maison",
      price_rows: "3",
      price_0_id: item.prices[0]!.id,
      price_0_label: "Verre",
      price_0_amount: "3,5",
      price_1_label: "Pichet",
      price_1_kind: "fixed",
      price_1_amount: "12",
      price_1_member: "",
      price_2_label: "Soutien",
      price_2_kind: "free",
      price_2_amount: "0",
      price_2_member: "",
    });
    expect(response.status).toBe(200);
    const saved = findItem(pos.box.sqlite, item.id)!;
    expect(saved.name).toBe("Limonade maison");
    expect(saved.prices.map((price) => [price.label, price.kind, price.amount, price.memberAmount])).toEqual([
      ["Verre", "fixed", 350, 300],
      ["Pichet", "fixed", 1_200, null],
      ["Soutien", "free", 0, null],
    ]);
    // The first price kept its id, so a till's cart naming it stays valid.
    expect(saved.prices[0]!.id).toBe(item.prices[0]!.id);
  });

  test("a manager changes a price and the stock (not the name); the till's next quote charges the new price", async () => {
    const beer = findItem(pos.box.sqlite, pos.items.beer.id)!;
    const quote = () => api("/api/v1/sales/quote", { point_of_sale: "main", lines: [{ item_id: beer.id, price_id: beer.prices[0]!.id, quantity: 2 }] });
    expect((await quote()).body.total).toBe(900);
    const response = await manager.post(`/admin/pos/items/${beer.id}`, {
      name: "Renamed by a manager",
      price_rows: "2",
      price_0_id: beer.prices[0]!.id,
      price_0_label: "Pinte",
      price_0_kind: "fixed",
      price_0_amount: "5,00",
      price_0_member: "4,50",
      price_1_id: beer.prices[1]!.id,
      price_1_label: "Demi",
      price_1_kind: "fixed",
      price_1_amount: "3",
      stock: "2",
      low_stock_threshold: "3",
    });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Stock bas");
    const saved = findItem(pos.box.sqlite, beer.id)!;
    expect([saved.name, saved.prices[0]!.amount, saved.prices[0]!.memberAmount, saved.stock, saved.lowStockThreshold]).toEqual(["Bière", 500, 450, 2, 3]);
    const after = await quote();
    expect(after.status).toBe(200);
    expect(after.body.total).toBe(1_000);
    // The list warns of the low stock.
    expect(await (await manager.get("/admin/pos/items")).text()).toContain('class="badge warning"');
    // Back to no stock following, for the day below.
    expect((await manager.post(`/admin/pos/items/${beer.id}`, { price_rows: "2", price_0_id: beer.prices[0]!.id, price_0_label: "Pinte", price_0_amount: "4,50", price_0_member: "4", price_1_id: beer.prices[1]!.id, price_1_label: "Demi", price_1_amount: "3", stock: "", low_stock_threshold: "" })).status).toBe(200);
  });

  test("categories with a colour, points of sale, VAT rates as percentages, payment methods on and off", async () => {
    const category = await admin.post("/admin/pos/categories", { name: "Softs", colour: "#AA3300", position: "2" });
    expect(category.status).toBe(200);
    expect(await category.text()).toContain("background:#aa3300");
    const badColour = await admin.post("/admin/pos/categories", { name: "Bad", colour: "red", position: "1" });
    expect(badColour.status).toBe(400);

    expect((await admin.post("/admin/pos/points-of-sale", { code: "Foodtruck", name: "Food truck", kind: "kitchen", active: "1" })).status).toBe(200);
    expect((await admin.post("/admin/pos/points-of-sale", { code: "foodtruck", name: "Again", kind: "kitchen", active: "1" })).status).toBe(409);
    const closed = await admin.post("/admin/pos/points-of-sale/foodtruck", { name: "Food truck", kind: "kitchen" });
    expect(closed.status).toBe(200);
    expect(pos.box.sqlite.query<{ active: number }, []>("SELECT active FROM points_of_sale WHERE code = 'foodtruck'").get()!.active).toBe(0);

    const vatPage = await (await admin.get("/admin/pos/vat-rates")).text();
    for (const rate of ["20 %", "10 %", "5,5 %", "2,1 %"]) expect(vatPage).toContain(rate);
    expect((await admin.post("/admin/pos/vat-rates", { rate: "8,5", label: "", active: "1" })).status).toBe(200);
    expect(listVatRates(pos.box.sqlite).find((rate) => rate.rateBp === 850)).toMatchObject({ active: true });
    expect((await admin.post("/admin/pos/vat-rates", { rate: "cent", label: "" })).status).toBe(400);

    expect((await admin.post("/admin/pos/payment-methods/cheque", { active: "0" })).status).toBe(200);
    expect(listPaymentMethods(pos.box.sqlite).find((method) => method.code === "cheque")!.active).toBe(false);
    expect((await admin.post("/admin/pos/payment-methods/bitcoin", { active: "1" })).status).toBe(400);
    for (const kind of ["config.category_saved", "config.point_of_sale_saved", "config.vat_rate_saved", "config.payment_method_saved"]) expect({ kind, n: eventsOf(kind) > 0 }).toEqual({ kind, n: true });
  });

  test("the business day's end is an admin setting, logged", async () => {
    expect((await admin.post("/admin/pos/settings", { business_day_end: "25:00" })).status).toBe(400);
    expect((await admin.post("/admin/pos/settings", { business_day_end: "05:30" })).status).toBe(200);
    expect(readPosSettings(pos.box.sqlite).businessDayEndMinute).toBe(330);
    // The closure job reads the setting at each tick: in Paris (CEST) the day now turns at 05:30, not 06:00.
    const paris = "Europe/Paris";
    expect(businessDayTurned(at("2026-05-13T03:29:00Z"), at("2026-05-13T03:30:00Z"), paris, readPosSettings(pos.box.sqlite).businessDayEndMinute)).toBe(true);
    expect(businessDayTurned(at("2026-05-13T03:59:00Z"), at("2026-05-13T04:00:00Z"), paris, readPosSettings(pos.box.sqlite).businessDayEndMinute)).toBe(false);
    expect((await admin.post("/admin/pos/settings", { business_day_end: "06:00" })).status).toBe(200);
    expect(readPosSettings(pos.box.sqlite).businessDayEndMinute).toBe(360);
    expect(eventsOf("config.pos_settings_saved")).toBe(2);
  });
});

describe("a scripted day, closed", () => {
  let closureSeq = 0;
  let topupsCash = 0;
  let refunded = 0;

  test("sales by card, cash and bank card, a top-up, a refund and a void from the page; the Z equals the journal and the ledger", async () => {
    const { beer, burger, coffee } = pos.items;
    const card = loadCard(pos.box, pos.deps, 0x501, 5_000);
    const leaving = loadCard(pos.box, pos.deps, 0x502, 2_000);
    topupsCash = 5_000 + 2_000;
    sell({ pointOfSale: "main", lines: [line(beer, 2)], payments: [{ method: "nfc_card", amount: 900, cardUid: card }] });
    const cashSale = sell({ pointOfSale: "main", lines: [line(burger)], payments: [{ method: "cash", amount: 2_000 }] });
    sell({ pointOfSale: "main", lines: [line(coffee)], payments: [{ method: "card_terminal", amount: 150 }] });
    pos.box.writer.transact((tx) => refund(tx, pos.deps, { scope: "terminal:till-1", idempotencyKey: "refund-1", role: "cashier" }, { cardUid: leaving }));
    refunded = 2_000;
    const voided = await manager.post(`/admin/pos/sales/${cashSale.number}/void`, { reason: "erreur de saisie" });
    expect(voided.status).toBe(200);
    expect(await voided.text()).toContain(`Vente n° ${cashSale.number} annulée`);
    expect((await manager.post(`/admin/pos/sales/${cashSale.number}/void`, { reason: "encore" })).status).toBe(409);

    // The day has not ended: closing it is refused.
    const early = await manager.post("/admin/pos/closures", { period: DAY });
    expect(early.status).toBe(409);
    expect(await early.text()).toContain("pas encore terminée");

    await moveClock("2026-05-13T05:00:00Z"); // 07:00 on the 13th: the 12th has ended
    const closed = await manager.post("/admin/pos/closures", { period: DAY, point_of_sale: "" });
    expect(closed.status).toBe(200);
    const html = await closed.text();
    expect(html).toContain("Clôture établie et signée.");
    closureSeq = Number(/Clôture n° (\d+)/.exec(html)![1]);
    const closure = closureBySeq(pos.box.sqlite, closureSeq);

    // The journal's sales and voids of the day, read straight from the payloads.
    const journal = { total: 0, byMethod: {} as Record<string, number> };
    for (const row of pos.box.sqlite.query<{ payload: string }, []>("SELECT payload FROM fiscal_records WHERE kind IN ('sale', 'sale_void')").all()) {
      const payload = JSON.parse(row.payload) as { business_day: string; total: number; payments: Array<{ method: string; amount: number }> };
      if (payload.business_day !== DAY) continue;
      journal.total += payload.total;
      for (const payment of payload.payments) journal.byMethod[payment.method] = (journal.byMethod[payment.method] ?? 0) + payment.amount;
    }
    expect([closure.totals.total, closure.totals.payments]).toEqual([journal.total, journal.byMethod]);
    // 450 (the roles test's beer) + 900 + 1250 + 150 - 1250: top-ups and the refund are not in it.
    expect(closure.totals).toMatchObject({ sales: 4, voids: 1, total: 1_500, voided: 1_250, topups: { cash: topupsCash }, refunds: { cash: refunded } });
    expect(closure.totals.payments).toEqual({ card_terminal: 150, cash: 450, nfc_card: 900 });
    const head = chainHead(pos.box.sqlite);
    expect(closure.ledgerHead).toBe(`${head.seq}:${head.hash}`);
    expect(closure.grandTotal).toBe(fiscalHead(pos.box.sqlite).grandTotal);

    // The page shows those figures: totals, methods, top-ups apart, grand total, head, signature.
    const page = await (await manager.get(`/admin/pos/closures/${closureSeq}`)).text();
    expect(page).toContain(`data-testid="closure-total">${euros(1_500)}<`);
    expect(page).toContain(`data-testid="grand-total">${euros(closure.grandTotal)}<`);
    expect(page).toContain(`data-testid="ledger-head">${closure.ledgerHead}<`);
    expect(page).toContain(`data-testid="signature">${closure.signatureExtract}<`);
    expect(page).toContain(euros(topupsCash));
    expect(page).toContain("Hors ventes : l'argent des cartes");
    const list = await (await manager.get("/admin/pos/closures")).text();
    expect(list).toContain(`href="/admin/pos/closures/${closureSeq}"`);
  });

  test("closing the same day again shows the first closure; a printer prints the Z ticket through the queue", async () => {
    const records = count("SELECT count(*) AS n FROM fiscal_records");
    const again = await admin.post("/admin/pos/closures", { period: DAY });
    expect(again.status).toBe(200);
    const html = await again.text();
    expect(html).toContain("Cette période était déjà clôturée");
    expect(html).toContain(`Clôture n° ${closureSeq}`);
    expect(count("SELECT count(*) AS n FROM fiscal_records")).toBe(records);

    expect(await (await manager.get(`/admin/pos/closures/${closureSeq}`)).text()).toContain("Aucune imprimante active");
    const printer = pos.box.writer.transact((tx) => insertPrinter(tx, pos.box.deps.newId, { name: "Caisse", kind: "simulated", address: "z", paperMm: 80, codePage: "pc858", printGroups: [], hasCashDrawer: false, active: true }));
    const printed = await manager.post(`/admin/pos/closures/${closureSeq}/print`, { printer_id: printer.id });
    expect(printed.status).toBe(200);
    expect(await printed.text()).toContain("Ticket Z envoyé");
    const jobs = listPrintJobs(pos.box.sqlite, { printerId: printer.id });
    expect(jobs.map((job) => job.kind)).toEqual(["closure"]);
    expect((await manager.post(`/admin/pos/closures/${closureSeq}/print`, { printer_id: "nope" })).status).toBe(404);
  });

  test("the report of the day equals its Z; the hour chart is an SVG image with a summary and a table", async () => {
    const response = await manager.get(`/admin/pos/reports?from=${DAY}&to=${DAY}`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(`data-testid="report-total">${euros(closureBySeq(pos.box.sqlite, closureSeq).totals.total)}<`);
    const found = { svgRole: "", labelledBy: "", ids: [] as string[], title: "", desc: "", rects: 0, hourRows: 0 };
    let inTitle = false;
    let inDesc = false;
    await new HTMLRewriter()
      .on("figure.chart svg", { element: (element) => void ((found.svgRole = element.getAttribute("role") ?? ""), (found.labelledBy = element.getAttribute("aria-labelledby") ?? "")) })
      .on("figure.chart svg rect.bar", { element: () => void found.rects++ })
      .on("[id]", { element: (element) => void found.ids.push(element.getAttribute("id")!) })
      .on("figure.chart svg title", { element: (element) => ((inTitle = true), element.onEndTag(() => void (inTitle = false))), text: (chunk) => void (inTitle && (found.title += chunk.text)) })
      .on("figure.chart svg desc", { element: (element) => ((inDesc = true), element.onEndTag(() => void (inDesc = false))), text: (chunk) => void (inDesc && (found.desc += chunk.text)) })
      .on("table.hours tbody tr", { element: () => void found.hourRows++ })
      .transform(new Response(html))
      .text();
    expect(found.svgRole).toBe("img");
    for (const id of found.labelledBy.split(" ")) expect(found.ids).toContain(id);
    expect(found.title).toBe("Ventes par heure");
    // Voided sales left out: 3 sales for 15,00 €, the busiest hour 20 h (all of them).
    expect(found.desc).toContain("3 vente(s) pour");
    expect(found.desc).toContain("Heure la plus chargée : 20 h");
    expect([found.rects, found.hourRows]).toEqual([24, 24]);
    // Top-ups against spending: the ledger's card spending (900) and what cards still hold.
    expect(html).toContain('id="card-spending"');
    expect(html).toContain(euros(900));
  });
});

describe("exports", () => {
  const TRICKY = 'Bière "spéciale"; brune\nlégère';

  test("CSV: UTF-8 with a BOM for Excel, separators, quotes and line breaks escaped, formulas defused", async () => {
    await moveClock("2026-05-13T09:00:00Z"); // business day 2026-05-13
    const { beer } = pos.items;
    const current = findItem(pos.box.sqlite, beer.id)!;
    const form = { name: TRICKY, pos_main: "1", price_rows: "1", price_0_id: current.prices[0]!.id, price_0_label: "=1+1", price_0_kind: "fixed", price_0_amount: "4,50", vat_rate_bp: "2000", active: "1" };
    expect((await admin.post(`/admin/pos/items/${beer.id}`, form)).status).toBe(200);
    const renamed = findItem(pos.box.sqlite, beer.id)!;
    sell({ pointOfSale: "main", lines: [{ itemId: renamed.id, priceId: renamed.prices[0]!.id, quantity: 1 }], payments: [{ method: "cash", amount: 450 }] });
    const response = await manager.get(`/admin/pos/reports/sales.csv?from=${NEXT_DAY}&to=${NEXT_DAY}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toStartWith("attachment;");
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
    expect(text).toContain('"Bière ""spéciale""; brune\nlégère"');
    const rows = parseCsv(text);
    expect(rows[0]![0]).toBe("Journée");
    const data = rows.slice(1);
    expect(data.length).toBe(1);
    expect(data[0]![5]).toBe(TRICKY);
    expect(data[0]![6]).toBe("'=1+1");
    expect(data[0]![9]).toBe("4,50");
    expect(rows.every((row) => row.length === rows[0]!.length)).toBe(true);

    const payments = parseCsv(await (await manager.get(`/admin/pos/reports/payments.csv?from=${DAY}&to=${NEXT_DAY}`)).text());
    expect(payments.slice(1).map((row) => row[5])).toContain("Carte cashless");
    const closures = parseCsv(await (await manager.get(`/admin/pos/reports/closures.csv?from=${DAY}&to=${DAY}`)).text());
    expect(closures.length).toBe(2);
    expect(closures[1]!.slice(0, 2)).toEqual(["Journalière", DAY]);
    expect(closures[1]![7]).toBe("15,00");
  });

  test("FEC: 18 columns, every day balanced, sales to 707 per rate with VAT to 44571, top-ups and refunds on 4191", async () => {
    const response = await manager.get(`/admin/pos/reports/fec.txt?from=${DAY}&to=${NEXT_DAY}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toContain('filename="732829320FEC20260513.txt"');
    const lines = (await response.text()).split("\r\n").filter(Boolean);
    const header = lines[0]!.split("|");
    expect(header).toEqual(["JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise"]);
    const rows = lines.slice(1).map((text) => text.split("|"));
    expect(rows.length).toBeGreaterThan(4);
    for (const row of rows) expect(row.length).toBe(18);
    const cents = (text: string) => {
      expect(text).toMatch(/^\d+,\d{2}$/);
      return Number(text.replace(",", ""));
    };
    const days = new Map<string, { debit: number; credit: number }>();
    const entries = new Map<string, { debit: number; credit: number }>();
    for (const row of rows) {
      expect(row[3]).toMatch(/^\d{8}$/);
      expect(row[15]).toMatch(/^\d{8}$/);
      for (const [map, key] of [[days, row[3]!], [entries, row[2]!]] as const) {
        const sum = map.get(key) ?? { debit: 0, credit: 0 };
        sum.debit += cents(row[11]!);
        sum.credit += cents(row[12]!);
        map.set(key, sum);
      }
    }
    expect([...days.keys()].sort()).toEqual(["20260512", "20260513"]);
    for (const [day, sum] of days) expect({ day, ...sum, balanced: sum.debit === sum.credit }).toEqual({ day, ...sum, balanced: true });
    for (const [entry, sum] of entries) expect({ entry, balanced: sum.debit === sum.credit }).toEqual({ entry, balanced: true });
    const of = (day: string, journal: string, account: string) => rows.find((row) => row[3] === day && row[0] === journal && row[4] === account);
    // The 12th: the top-ups (cash) credit 4191, the refund debits it; the cash moves on 530.
    const topupLine = rows.filter((row) => row[3] === "20260512" && row[0] === "CA" && row[4] === "4191");
    expect(topupLine.length).toBe(1);
    expect(cents(topupLine[0]![12]!) - cents(topupLine[0]![11]!)).toBe(topupsCashOf12th() - 2_000);
    expect(cents(of("20260512", "CA", "530")![11]!)).toBe(topupsCashOf12th() - 2_000);
    // Sales: card balances spent debit 4191 (900), cash 530 (450 net of the void), the card terminal 512 (150).
    expect(cents(of("20260512", "VE", "4191")![11]!)).toBe(900);
    expect(cents(of("20260512", "VE", "530")![11]!)).toBe(450);
    expect(cents(of("20260512", "VE", "512")![11]!)).toBe(150);
    // Revenue excluding VAT per rate, and the VAT: beer 20 % (450 + 900 incl.), coffee 10 % (150 incl.).
    expect(cents(of("20260512", "VE", "7072000")![12]!) + cents(of("20260512", "VE", "445712000")![12]!)).toBe(1_350);
    expect(cents(of("20260512", "VE", "7071000")![12]!) + cents(of("20260512", "VE", "445711000")![12]!)).toBe(150);
    // The closed day's entries point to its Z.
    expect(of("20260512", "VE", "530")![8]).toMatch(/^Z\d+$/);
  });

  function topupsCashOf12th(): number {
    return closureBySeq(pos.box.sqlite, Number(pos.box.sqlite.query<{ seq: number }, [string]>("SELECT fiscal_seq AS seq FROM closures WHERE kind = 'daily' AND period = ? AND point_of_sale = ''").get(DAY)!.seq)).totals.topups.cash ?? 0;
  }

  test("the archive downloads (admins only), verifies on its own, and is recorded in the fiscal journal", async () => {
    expect((await manager.post("/admin/pos/archive", { period: "" })).status).toBe(403);
    expect((await admin.post("/admin/pos/archive", { period: "mai" })).status).toBe(400);
    const before = count("SELECT count(*) AS n FROM fiscal_records WHERE kind = 'archive'");
    const response = await admin.post("/admin/pos/archive", { period: "" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="tibox-fiscal-.+-all-\d{8}\.jsonl"$/);
    const check = verifyArchiveText(await response.text());
    expect(check.status).toBe("sound");
    expect(count("SELECT count(*) AS n FROM fiscal_records WHERE kind = 'archive'")).toBe(before + 1);
    expect(eventsOf("archive.exported")).toBe(1);
  });
});

describe("training mode", () => {
  test("an admin puts a till in training: its sales are training sales, its receipt and its pages say FORMATION", async () => {
    const records = count("SELECT count(*) AS n FROM fiscal_records");
    const on = await admin.post(`/admin/pos/training/${tillId}`, { training: "1" });
    expect(on.status).toBe(200);
    expect(await on.text()).toContain("est en mode formation");
    expect(eventsOf("config.training_set")).toBe(1);
    // Again: nothing more is written.
    expect((await admin.post(`/admin/pos/training/${tillId}`, { training: "1" })).status).toBe(200);
    expect(eventsOf("config.training_set")).toBe(1);

    // The till sends no training flag: the server makes it a training sale anyway.
    const { coffee } = pos.items;
    const sale = await api("/api/v1/sales", { point_of_sale: "main", lines: [{ item_id: coffee.id, price_id: coffee.prices[0]!.id, quantity: 1 }], payments: [{ method: "cash", amount: 150 }] }, "training-1");
    expect(sale.status).toBe(201);
    expect([sale.body.training, sale.body.label, sale.body.fiscal_seq]).toEqual([true, "T1", null]);
    expect(count("SELECT count(*) AS n FROM fiscal_records")).toBe(records);
    const document = JSON.stringify(receiptDocument(receiptOf(pos.box.sqlite, { number: 1, training: true })));
    expect(document).toContain("FORMATION - ticket sans valeur");

    // The till's pages carry the red banner; an admin's do not.
    const terminalPage = await pos.box.app.handle(new Request(`${ORIGIN}/terminal`, { headers: { cookie: `tibox_terminal=${tillToken}` } }));
    expect(await terminalPage.text()).toContain('class="banner formation"');
    expect(await (await admin.get("/admin/pos/settings")).text()).not.toContain('class="banner formation"');

    const off = await admin.post(`/admin/pos/training/${tillId}`, { training: "0" });
    expect(await off.text()).toContain("enregistre de nouveau des ventes réelles");
    const real = await api("/api/v1/sales", { point_of_sale: "main", lines: [{ item_id: coffee.id, price_id: coffee.prices[0]!.id, quantity: 1 }], payments: [{ method: "cash", amount: 150 }] }, "real-1");
    expect(real.body.training).toBe(false);
    expect((await admin.post("/admin/pos/training/NOPE", { training: "1" })).status).toBe(404);
  });
});

describe("escaping", () => {
  test("names with markup render as text on every page that shows them", async () => {
    const form = { ...ITEM_FORM, name: EVIL, price_0_label: EVIL, price_rows: "1" };
    expect((await admin.post("/admin/pos/items", form)).status).toBe(200);
    expect((await admin.post("/admin/pos/categories", { name: EVIL, colour: "#112233", position: "0" })).status).toBe(200);
    expect((await admin.post("/admin/pos/points-of-sale", { code: "evil", name: EVIL, kind: "bar", active: "1" })).status).toBe(200);
    const item = listItems(pos.box.sqlite).find((candidate) => candidate.name === EVIL)!;
    sell({ pointOfSale: "main", lines: [{ itemId: item.id, priceId: item.prices[0]!.id, quantity: 1 }], payments: [{ method: "cash", amount: 350 }], }, { ...seller(), operatorName: EVIL });
    await moveClock("2026-05-14T05:00:00Z");
    const closed = await admin.post("/admin/pos/closures", { period: NEXT_DAY });
    expect(closed.status).toBe(200);
    const closureSeq = Number(/Clôture n° (\d+)/.exec(await closed.text())![1]);
    const pages = [
      "/admin/pos/items",
      `/admin/pos/items/${item.id}`,
      "/admin/pos/categories",
      "/admin/pos/points-of-sale",
      "/admin/pos/points-of-sale/evil",
      `/admin/pos/closures/${closureSeq}`,
      "/admin/pos/closures",
      `/admin/pos/reports?from=${NEXT_DAY}&to=${NEXT_DAY}`,
      `/admin/pos/sales?day=${NEXT_DAY}`,
    ];
    for (const path of pages) {
      const response = await admin.get(path);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      const html = await response.text();
      // Shown as text, or inside a form field's value (quoted: its markup is inert there).
      const shown = html.includes("&lt;script&gt;") || html.includes('value="<script>alert(&#34;x&#34;)</script>');
      expect({ path, shown }).toEqual({ path, shown: true });
      const found = await injected(html);
      expect({ path, ...found }).toEqual({ path, scripts: OUR_SCRIPTS, handlers: 0, images: 0 });
    }
  });
});
