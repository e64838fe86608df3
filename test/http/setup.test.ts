// Proves the first run through app.handle on a real SQLite file: before setup every page leads
// to the wizard, /healthz says "pending" and /api/* answers 503 setup_required; the wizard
// refuses a wrong setup code (and locks out a guesser) without writing anything, and with the
// right code creates the venue, the admin and a signed event-log record, then logs the admin in.
import { afterEach, describe, expect, test } from "bun:test";
import { verifyEventLog } from "../../src/auth/index.ts";
import { fromHex, limits } from "../../src/kernel/index.ts";
import { Client, SETUP_CODE, testBox, type TestBox } from "../helpers/box.ts";

let box: TestBox;
afterEach(() => box?.dispose());

const FORM = {
  legal_name: "Les Amis du Quartier",
  address: "3 rue des Lilas, 69001 Lyon",
  siret: "73282932000074",
  vat_status: "franchise",
  timezone: "Europe/Paris",
  currency: "EUR",
  admin_name: "Ada",
  admin_email: "ada@example.org",
  admin_password: "a long passphrase",
};

function rows(table: string): number {
  return box.sqlite.query<{ n: number }, []>(`SELECT count(*) AS n FROM ${table}`).get()!.n;
}

describe("before setup", () => {
  test("pages lead to the wizard, health says pending, the API says setup_required", async () => {
    box = testBox();
    const client = new Client(box);
    for (const path of ["/", "/login", "/admin", "/admin/operators", "/terminal", "/pair", "/no-such-page"]) {
      const response = await client.get(path);
      expect(`${path} ${response.status} ${response.headers.get("location")}`).toBe(`${path} 303 /setup`);
    }
    const health = await client.get("/healthz");
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", setup: "pending", database: "ok", venue_id: null });
    for (const path of ["/api/v1/terminal", "/api/v1/anything"]) {
      const api = await client.get(path);
      expect(api.status).toBe(503);
      expect(await api.json()).toMatchObject({ code: "setup_required" });
    }
    expect((await client.get("/assets/htmx.min.js")).status).toBe(200);
    expect((await client.get("/setup")).status).toBe(200);
  });

  test("a wrong setup code is refused and writes nothing but the failure record", async () => {
    box = testBox();
    const client = new Client(box);
    const response = await client.post("/setup", { ...FORM, setup_code: "00000000" });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("Code d'installation incorrect");
    expect(rows("venue")).toBe(0);
    expect(rows("operators")).toBe(0);
  });

  test("guessing the setup code locks the address out", async () => {
    box = testBox();
    const client = new Client(box);
    for (let i = 0; i < limits.addressFailuresBeforeLockout; i++) expect((await client.post("/setup", { ...FORM, setup_code: `111111${String(i).padStart(2, "0")}` })).status).toBe(403);
    const locked = await client.post("/setup", { ...FORM, setup_code: SETUP_CODE });
    expect(locked.status).toBe(429);
    expect(rows("venue")).toBe(0);
  });

  test("invalid fields are refused with the form kept, nothing written", async () => {
    box = testBox();
    const client = new Client(box);
    const badSiret = await client.post("/setup", { ...FORM, setup_code: SETUP_CODE, siret: "12345678901234" });
    expect(badSiret.status).toBe(400);
    expect(await badSiret.text()).toContain("Les Amis du Quartier");
    const liableWithoutNumber = await client.post("/setup", { ...FORM, setup_code: SETUP_CODE, vat_status: "liable" });
    expect(liableWithoutNumber.status).toBe(400);
    const shortPassword = await client.post("/setup", { ...FORM, setup_code: SETUP_CODE, admin_password: "short" });
    expect(shortPassword.status).toBe(400);
    expect(rows("venue")).toBe(0);
    expect(rows("operators")).toBe(0);
  });

  test("a form without its CSRF token is refused", async () => {
    box = testBox();
    const client = new Client(box);
    await client.get("/setup");
    const response = await client.request("POST", "/setup", { form: { ...FORM, setup_code: SETUP_CODE }, csrf: false });
    expect(response.status).toBe(403);
    expect(rows("venue")).toBe(0);
  });
});

describe("setup", () => {
  test("the right code creates the venue, the admin, a signed record, and logs in", async () => {
    box = testBox();
    const client = new Client(box);
    await client.get("/setup");
    const response = await client.post("/setup", { ...FORM, setup_code: "2468-1357" });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/admin");
    const venue = box.venue()!;
    expect(venue).toMatchObject({ legalName: "Les Amis du Quartier", siret: "73282932000074", vatStatus: "franchise", timezone: "Europe/Paris", currency: "EUR" });
    const dashboard = await client.get("/admin");
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain("Bonjour Ada");
    const record = box.sqlite.query<{ kind: string; actor: string }, []>("SELECT kind, actor FROM event_log WHERE seq = 1").get();
    expect(record?.kind).toBe("setup.completed");
    expect(verifyEventLog(box.sqlite, fromHex(venue.publicKeyHex))).toMatchObject({ ok: true });
    const health = (await (await client.get("/healthz")).json()) as { setup: string; venue_id: string };
    expect(health).toMatchObject({ setup: "done", venue_id: venue.id });
    // Setup happens once.
    expect((await client.post("/setup", { ...FORM, setup_code: SETUP_CODE })).status).toBe(303);
    expect(rows("venue")).toBe(1);
  });

  test("the session cookie is HttpOnly and SameSite=Strict, and Secure over HTTPS", async () => {
    box = testBox();
    const client = new Client(box);
    await client.get("/setup");
    const csrf = client.cookies.get("tibox_csrf")!;
    const response = await box.app.handle(
      new Request("https://localhost/setup", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: `tibox_csrf=${csrf}` },
        body: new URLSearchParams({ ...FORM, setup_code: SETUP_CODE, _csrf: csrf }).toString(),
      }),
    );
    const session = response.headers.getSetCookie().find((cookie) => cookie.startsWith("tibox_session="))!;
    expect(session).toContain("HttpOnly");
    expect(session).toContain("SameSite=Strict");
    expect(session).toContain("Secure");
  });
});
