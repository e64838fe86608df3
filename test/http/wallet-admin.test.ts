// Proves the wallet's admin pages and the card holder's page on a real box driven through
// app.handle with browser-like clients (cookies, CSRF): each page opens for its roles; assets,
// settings, imports, sheets, blocking, lost cards and members write what they say (an event or a
// signed entry, and the journal still verifies) and a refusal writes nothing; the holder's page
// shows balances but never the UID, answers 404 for an unknown card and 429 past its limit; and
// every name with markup is rendered as text (checked with a real HTML parser).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { verifyLedger } from "../../src/ledger/index.ts";
import { findMember, listMembers } from "../../src/membership/index.ts";
import { cardByUid, findAsset, readWalletSettings, walletBalances, type Card } from "../../src/wallet/index.ts";
import { WindowLimiter } from "../../src/http/index.ts";
import { limits } from "../../src/kernel/index.ts";
import { addOperator, Client, ORIGIN, setUp, testBox, type TestBox } from "../helpers/box.ts";

const EVIL = `<script>alert("x")</script><img src=x onerror=alert(1)>`;
const MANAGER = { email: "manager@example.org", password: "long enough password" } as const;

let box: TestBox;
let admin: Client;
let manager: Client;
let tillToken = "";
let keyCounter = 0;
let uidCounter = 0x10;

beforeAll(async () => {
  // Each holder-page test speaks from its own address, so their rate limits do not mix.
  box = testBox({ addressOf: (request) => request.headers.get("x-test-address") ?? undefined });
  await setUp(box);
  admin = new Client(box);
  expect((await admin.login()).status).toBe(303);
  await addOperator(box, "manager", "Max Manager", MANAGER);
  manager = new Client(box);
  expect((await manager.login(MANAGER.email, MANAGER.password)).status).toBe(303);
  tillToken = box.auth.addTerminalSync("test", "till", "Bar till").token;
});
afterAll(() => box.dispose());

/** A fresh 4-byte UID, different in every call. */
function freshUid(): string {
  uidCounter++;
  return `04A1B2${uidCounter.toString(16).toUpperCase().padStart(2, "0")}`;
}

async function device(path: string, body: Record<string, unknown>): Promise<{ status: number; body: { code?: string; balances?: Record<string, number> } }> {
  const response = await box.app.handle(
    new Request(ORIGIN + path, {
      method: "POST",
      headers: { authorization: `Bearer ${tillToken}`, "content-type": "application/json", "idempotency-key": `test-${++keyCounter}` },
      body: JSON.stringify(body),
    }),
  );
  return { status: response.status, body: (await response.json()) as { code?: string; balances?: Record<string, number> } };
}

const topUp = (uid: string, amount: number) => device("/api/v1/wallet/topups", { card_uid: uid, asset: "EUR", amount, method: "cash" });
const pay = (uid: string, amount: number) => device("/api/v1/wallet/payments", { card_uid: uid, amount });

function card(uid: string): Card {
  const found = cardByUid(box.sqlite, uid);
  expect(found).toBeDefined();
  return found!;
}

function count(sql: string): number {
  return box.sqlite.query<{ n: number }, []>(sql).get()!.n;
}

function eventsOf(kind: string): number {
  return box.sqlite.query<{ n: number }, [string]>("SELECT count(*) AS n FROM event_log WHERE kind = ?").get(kind)!.n;
}

function ledgerVerifies(): boolean {
  const check = verifyLedger(box.sqlite, { publicKey: box.signer.publicKey, backedAssets: ["EUR"] });
  if (!check.ok) throw new Error(check.fault);
  return check.ok;
}

/** Parses a page with a real HTML parser: its scripts, on* handlers and images. */
async function injected(html: string): Promise<{ scripts: string[]; handlers: number; images: number }> {
  const found = { scripts: [] as string[], handlers: 0, images: 0 };
  const rewriter = new HTMLRewriter()
    .on("script", { element: (element) => void found.scripts.push(element.getAttribute("src") ?? "inline") })
    .on("img", { element: () => void found.images++ })
    .on("*", {
      element: (element) => {
        for (const [name] of element.attributes) if (name.startsWith("on")) found.handlers++;
      },
    });
  await rewriter.transform(new Response(html)).text();
  return found;
}

/** The hrefs of the links on the sheet, and how many QR codes it holds. */
async function sheetOf(html: string): Promise<{ links: string[]; svgs: number }> {
  const found = { links: [] as string[], svgs: 0 };
  await new HTMLRewriter()
    .on(".card-sheet a", { element: (element) => void found.links.push(element.getAttribute("href") ?? "") })
    .on(".card-sheet svg", { element: () => void found.svgs++ })
    .transform(new Response(html))
    .text();
  return found;
}

const OUR_SCRIPTS = ["/assets/htmx.min.js", "/assets/app.js"];

describe("pages and roles", () => {
  test("admins open every wallet page; managers the treasury, cards and members only", async () => {
    for (const path of ["/admin/wallet", "/admin/cards", "/admin/members", "/admin/assets", "/admin/assets/EUR", "/admin/wallet/settings"]) {
      expect({ path, status: (await admin.get(path)).status }).toEqual({ path, status: 200 });
    }
    for (const path of ["/admin/wallet", "/admin/cards", "/admin/members"]) {
      expect({ path, status: (await manager.get(path)).status }).toEqual({ path, status: 200 });
    }
    for (const path of ["/admin/assets", "/admin/assets/EUR", "/admin/wallet/settings"]) {
      expect({ path, status: (await manager.get(path)).status }).toEqual({ path, status: 403 });
    }
    const managerCards = await (await manager.get("/admin/cards")).text();
    expect(managerCards).toContain('action="/admin/cards/replace"');
    expect(managerCards).not.toContain('action="/admin/cards/import"');
    expect(await (await admin.get("/admin/cards")).text()).toContain('action="/admin/cards/import"');
  });

  test("the navigation leads to the wallet pages", async () => {
    const page = await (await admin.get("/admin")).text();
    for (const href of ["/admin/wallet", "/admin/cards", "/admin/members", "/admin/assets"]) expect(page).toContain(`href="${href}"`);
    expect(await (await manager.get("/admin")).text()).not.toContain('href="/admin/assets"');
  });

  test("an unknown asset or member is a 404 page", async () => {
    expect((await admin.get("/admin/assets/NOPE")).status).toBe(404);
    expect((await admin.get("/admin/members/NOPE")).status).toBe(404);
  });
});

const ASSET_FORM = { kind: "time", name: "Minutes", scale: "0", spend_priority: "50", accepted_pos: "bar, Door", active: "1" };

describe("assets", () => {
  test("an admin creates an asset, and the event log records it", async () => {
    const before = eventsOf("config.asset_saved");
    const response = await admin.post("/admin/assets", { ...ASSET_FORM, code: "mins" });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("Monnaie créée.");
    expect(findAsset(box.sqlite, "MINS")).toMatchObject({ kind: "time", scale: 0, spendPriority: 50, acceptedPointsOfSale: ["bar", "door"], backed: false, active: true });
    expect(eventsOf("config.asset_saved")).toBe(before + 1);
  });

  test("a code taken or a bad field is refused with its message, and writes nothing", async () => {
    const before = eventsOf("config.asset_saved");
    const taken = await admin.post("/admin/assets", { ...ASSET_FORM, code: "MINS" });
    expect(taken.status).toBe(409);
    expect(await taken.text()).toContain("Une monnaie porte déjà ce code.");
    const scale = await admin.post("/admin/assets", { ...ASSET_FORM, code: "OTHER", scale: "deux" });
    expect(scale.status).toBe(400);
    const html = await scale.text();
    expect(html).toContain("Décimales invalides");
    expect(html).toContain('value="OTHER"');
    expect(findAsset(box.sqlite, "OTHER")).toBeUndefined();
    expect(eventsOf("config.asset_saved")).toBe(before);
  });

  test("an admin edits an asset; kind, scale and backing are locked once money moved", async () => {
    const renamed = await admin.post("/admin/assets/MINS", { ...ASSET_FORM, name: "Minutes de bénévolat", kind: "loyalty" });
    expect(renamed.status).toBe(200);
    expect(findAsset(box.sqlite, "MINS")).toMatchObject({ name: "Minutes de bénévolat", kind: "loyalty" });

    expect((await topUp(freshUid(), 500)).status).toBe(201);
    const before = eventsOf("config.asset_saved");
    const eur = { kind: "local", name: "Euro", scale: "2", backed: "1", refundable: "1", spend_priority: "10", accepted_pos: "", active: "1" };
    const refused = await admin.post("/admin/assets/EUR", { ...eur, backed: "" });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("Cette monnaie a déjà circulé");
    expect(findAsset(box.sqlite, "EUR")).toMatchObject({ backed: true, scale: 2 });
    expect(eventsOf("config.asset_saved")).toBe(before);

    const allowed = await admin.post("/admin/assets/EUR", { ...eur, name: "Euro du bar" });
    expect(allowed.status).toBe(200);
    expect(findAsset(box.sqlite, "EUR")).toMatchObject({ name: "Euro du bar", backed: true });
    expect(eventsOf("config.asset_saved")).toBe(before + 1);
  });
});

describe("wallet settings", () => {
  test("caps typed in euros apply to the next top-up, and a bad cap writes nothing", async () => {
    const saved = await admin.post("/admin/wallet/settings", { card_balance_cap: "150", topup_cap: "50,50", register_on_first_topup: "1" });
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain('value="50,50"');
    expect(readWalletSettings(box.sqlite)).toEqual({ cardBalanceCap: 15_000, topupCap: 5_050, registerOnFirstTopup: true });
    expect(eventsOf("config.wallet_settings_saved")).toBe(1);

    const uid = freshUid();
    const over = await topUp(uid, 5_051);
    expect(over.status).toBe(409);
    expect(over.body.code).toBe("limit_exceeded");
    expect((await topUp(uid, 5_050)).status).toBe(201);

    const bad = await admin.post("/admin/wallet/settings", { card_balance_cap: "douze", topup_cap: "", register_on_first_topup: "1" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("Montant invalide");
    expect(readWalletSettings(box.sqlite).topupCap).toBe(5_050);
    expect(eventsOf("config.wallet_settings_saved")).toBe(1);

    expect((await admin.post("/admin/wallet/settings", { card_balance_cap: "", topup_cap: "" })).status).toBe(200);
    expect(readWalletSettings(box.sqlite)).toEqual({ cardBalanceCap: null, topupCap: null, registerOnFirstTopup: false });
    expect((await admin.post("/admin/wallet/settings", { card_balance_cap: "", topup_cap: "", register_on_first_topup: "1" })).status).toBe(200);
  });
});

describe("cards", () => {
  test("a good CSV imports every card in one go", async () => {
    const before = count("SELECT count(*) AS n FROM cards");
    const response = await admin.post("/admin/cards/import", { csv: "uid;printed_number\n04:C0:00:01;IMP-1\n04C00002;IMP-2\n\n04C00003;IMP-3\n" });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("3 cartes importées.");
    expect(count("SELECT count(*) AS n FROM cards")).toBe(before + 3);
    expect(card("04C00001").printedNumber).toBe("IMP-1");
    expect(eventsOf("card.imported")).toBe(1);
  });

  test("a bad line refuses the whole import, names its line, and writes nothing", async () => {
    const before = count("SELECT count(*) AS n FROM cards");
    const bad = await admin.post("/admin/cards/import", { csv: "uid,printed_number\n04D00001,BAD-1\nXYZ,BAD-2\n04D00003,BAD-3\n" });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain("Ligne 3 refusée");
    expect(html).toContain("XYZ,BAD-2");
    const duplicate = await admin.post("/admin/cards/import", { csv: "uid\n04D00001\n04C00002\n" });
    expect(duplicate.status).toBe(409);
    expect(await duplicate.text()).toContain("Ligne 3 refusée");
    expect(count("SELECT count(*) AS n FROM cards")).toBe(before);
    expect(cardByUid(box.sqlite, "04D00001")).toBeUndefined();
    expect(eventsOf("card.imported")).toBe(1);
  });

  test("a manager may not import", async () => {
    expect((await manager.post("/admin/cards/import", { csv: "uid\n04E00001\n" })).status).toBe(403);
    expect(cardByUid(box.sqlite, "04E00001")).toBeUndefined();
  });

  test("a sheet of 3 new cards shows 3 QR codes, each linking to its holder page", async () => {
    const before = count("SELECT count(*) AS n FROM cards");
    const response = await admin.post("/admin/cards/sheet", { count: "3" });
    expect(response.status).toBe(200);
    const sheet = await sheetOf(await response.text());
    expect(sheet.svgs).toBe(3);
    const made = box.sqlite.query<{ qrId: string; uid: string | null }, []>("SELECT qr_id AS qrId, uid FROM cards ORDER BY rowid DESC LIMIT 3").all();
    expect(sheet.links.sort()).toEqual(made.map((row) => `/c/${row.qrId}`).sort());
    expect(made.every((row) => row.uid === null)).toBe(true);
    expect(count("SELECT count(*) AS n FROM cards")).toBe(before + 3);
    expect(eventsOf("card.sheet_generated")).toBe(1);
    for (const wrong of ["0", "501", "trois"]) expect((await admin.post("/admin/cards/sheet", { count: wrong })).status).toBe(400);
    expect(count("SELECT count(*) AS n FROM cards")).toBe(before + 3);
  });

  test("a blocked card cannot pay; unblocked, it can", async () => {
    const uid = freshUid();
    expect((await topUp(uid, 1_000)).status).toBe(201);
    const id = card(uid).id;
    const blocked = await manager.post(`/admin/cards/${id}/block`, {});
    expect(blocked.status).toBe(303);
    expect(card(uid).state).toBe("blocked");
    const refused = await pay(uid, 300);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe("card_blocked");
    expect(walletBalances(box.sqlite, card(uid).walletId).EUR).toBe(1_000);
    expect((await manager.post(`/admin/cards/${id}/unblock`, {})).status).toBe(303);
    expect(card(uid).state).toBe("active");
    expect((await pay(uid, 300)).status).toBe(201);
    expect(eventsOf("card.blocked")).toBe(1);
    expect(eventsOf("card.unblocked")).toBe(1);
    const again = await manager.post(`/admin/cards/${id}/unblock`, {});
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("Cette carte n'est pas bloquée.");
  });

  test("replacing a lost card moves its balance to the new card by a signed entry", async () => {
    const lostUid = freshUid();
    const newUid = freshUid();
    expect((await topUp(lostUid, 2_000)).status).toBe(201);
    const response = await manager.post("/admin/cards/replace", { lost_uid: lostUid, replacement_uid: newUid });
    expect(response.status).toBe(200);
    const lost = card(lostUid);
    const replacement = card(newUid);
    expect(lost.state).toBe("lost");
    expect(lost.replacedBy).toBe(replacement.id);
    expect(walletBalances(box.sqlite, replacement.walletId).EUR).toBe(2_000);
    expect(walletBalances(box.sqlite, lost.walletId).EUR).toBe(0);
    expect(count("SELECT count(*) AS n FROM ledger_entries WHERE kind = 'card_replacement'")).toBe(1);
    expect(ledgerVerifies()).toBe(true);
    const again = await manager.post("/admin/cards/replace", { lost_uid: lostUid, replacement_uid: freshUid() });
    expect(again.status).toBe(409);
    expect(count("SELECT count(*) AS n FROM ledger_entries WHERE kind = 'card_replacement'")).toBe(1);
  });
});

describe("members", () => {
  test("a member is created with a wallet of its own, and found by name", async () => {
    const response = await manager.post("/admin/members", { name: `Zoé ${EVIL}`, email: "zoe@example.org", phone: "06 12 34 56 78" });
    expect(response.status).toBe(303);
    const id = response.headers.get("location")!.split("/").at(-1)!;
    const member = findMember(box.sqlite, id)!;
    expect(member.email).toBe("zoe@example.org");
    expect(count(`SELECT count(*) AS n FROM wallets WHERE id = '${member.walletId}'`)).toBe(1);
    expect(listMembers(box.sqlite, "zoé").map((found) => found.id)).toEqual([id]);
    expect(await (await manager.get("/admin/members?q=zoe%40example")).text()).toContain(`href="/admin/members/${id}"`);
    const bad = await manager.post("/admin/members", { name: "Bad Phone", phone: "call me" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("Numéro de téléphone invalide.");
    expect(listMembers(box.sqlite, "Bad Phone")).toEqual([]);
  });

  test("attaching a card with a balance moves it to the member's wallet, and the journal verifies", async () => {
    const member = listMembers(box.sqlite, "Zoé")[0]!;
    const uid = freshUid();
    expect((await topUp(uid, 1_500)).status).toBe(201);
    const oldWallet = card(uid).walletId;
    const response = await manager.post(`/admin/members/${member.id}/cards`, { card_uid: uid });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("15,00");
    expect(card(uid).walletId).toBe(member.walletId);
    expect(walletBalances(box.sqlite, member.walletId).EUR).toBe(1_500);
    expect(walletBalances(box.sqlite, oldWallet).EUR).toBe(0);
    expect(box.sqlite.query<{ mergedInto: string }, [string]>("SELECT merged_into AS mergedInto FROM wallets WHERE id = ?").get(oldWallet)!.mergedInto).toBe(member.walletId);
    expect(ledgerVerifies()).toBe(true);
    // The card pays from the member's wallet now.
    expect((await pay(uid, 500)).body.balances?.EUR).toBe(1_000);

    const entries = count("SELECT count(*) AS n FROM ledger_entries");
    const again = await manager.post(`/admin/members/${member.id}/cards`, { card_uid: uid });
    expect(again.status).toBe(409);
    const unknown = await manager.post(`/admin/members/${member.id}/cards`, { card_uid: "04FFFFFF" });
    expect(unknown.status).toBe(404);
    expect(count("SELECT count(*) AS n FROM ledger_entries")).toBe(entries);
  });
});

describe("treasury", () => {
  test("the treasurer's page shows the figures and the PSD2 threshold share", async () => {
    const html = await (await manager.get("/admin/wallet")).text();
    expect(html).toMatch(/1\s000\s000,00/);
    expect(html).toContain("article 37(2)");
    expect(html).toMatch(/0[,.]\d+\s*%|0\s*%/);
    expect(html).toContain("ACPR");
  });
});

describe("holder page", () => {
  const at = (address: string) => ({ "x-test-address": address });

  test("shows balances and movements, never the UID, the QR id or an operator", async () => {
    const uid = freshUid();
    expect((await topUp(uid, 2_550)).status).toBe(201);
    expect((await pay(uid, 50)).status).toBe(201);
    const holder = card(uid);
    const visitor = new Client(box);
    const response = await visitor.get(`/c/${holder.qrId}`, at("10.0.0.1"));
    expect(response.status).toBe(200);
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    const html = await response.text();
    expect(html).toContain("25,00");
    expect(html).toContain("Rechargement");
    expect(html).toContain("Paiement");
    expect(html).toContain(holder.printedNumber);
    for (const secret of [uid, uid.match(/../g)!.join(":"), holder.qrId, "Ada Admin", "Max Manager", "Bar till"]) expect(html).not.toContain(secret);
    expect(await injected(html)).toEqual({ scripts: [], handlers: 0, images: 0 });
    expect(await (await visitor.get(`/c/${holder.qrId}?lang=en`, at("10.0.0.1"))).text()).toContain("Top-up");
  });

  test("an unknown card is a 404 page", async () => {
    const unknown = await new Client(box).get(`/c/${"0".repeat(32)}`, at("10.0.0.2"));
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("Carte introuvable");
    expect((await new Client(box).get("/c/not-a-qr-id", at("10.0.0.2"))).status).toBe(404);
  });

  test(`an address gets ${limits.holderPageRequestsPerWindow} requests a minute, then 429; others are not held back`, async () => {
    const visitor = new Client(box);
    const path = `/c/${"1".repeat(32)}`;
    for (let index = 0; index < limits.holderPageRequestsPerWindow; index++) expect((await visitor.get(path, at("10.0.0.3"))).status).toBe(404);
    const limited = await visitor.get(path, at("10.0.0.3"));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await limited.text()).toContain("Trop de demandes");
    expect((await visitor.get(path, at("10.0.0.4"))).status).toBe(404);
  });

  test("before the setup, the holder page sends to the setup", async () => {
    const fresh = testBox();
    try {
      const response = await fresh.app.handle(new Request(`${ORIGIN}/c/${"2".repeat(32)}`));
      expect(response.status).toBe(303);
      expect(response.headers.get("location")).toBe("/setup");
    } finally {
      fresh.dispose();
    }
  });
});

describe("the holder page's limiter", () => {
  test("a window admits its budget, then refuses until it ends; other keys are counted apart", () => {
    const limiter = new WindowLimiter({ windowMs: 60_000, maxHits: 2, maxKeys: 100 });
    expect([limiter.hit("a", 0), limiter.hit("a", 1), limiter.hit("a", 2), limiter.hit("b", 3)]).toEqual([true, true, false, true]);
    expect(limiter.retryAfterMs("a", 10_000)).toBe(50_000);
    expect(limiter.hit("a", 60_000)).toBe(true);
  });

  test("it remembers at most maxKeys addresses, forgetting ended windows first, then the oldest", () => {
    const limiter = new WindowLimiter({ windowMs: 1_000, maxHits: 1, maxKeys: 3 });
    for (const key of ["a", "b", "c"]) limiter.hit(key, 0);
    expect(limiter.hit("d", 500)).toBe(true);
    expect(limiter.size).toBe(3);
    // "a" was the oldest and was forgotten: it starts a new window; "c" is still held back.
    expect(limiter.hit("a", 600)).toBe(true);
    expect(limiter.hit("c", 700)).toBe(false);
    expect(limiter.hit("e", 1_500)).toBe(true);
    expect(limiter.size).toBeLessThanOrEqual(3);
  });
});

describe("escaping", () => {
  test("asset and member names with markup render as text on every wallet page", async () => {
    expect((await admin.post("/admin/assets", { ...ASSET_FORM, code: "EVIL", name: `Jeton ${EVIL}`, kind: "gift", scale: "2", accepted_pos: "" })).status).toBe(200);
    const member = listMembers(box.sqlite, "Zoé")[0]!;
    const paths = ["/admin/assets", "/admin/assets/EVIL", "/admin/wallet", "/admin/cards", "/admin/members", `/admin/members/${member.id}`, "/admin/members?q=%3Cscript%3E"];
    for (const path of paths) {
      const html = await (await admin.get(path)).text();
      expect({ path, ...(await injected(html)) }).toEqual({ path, scripts: OUR_SCRIPTS, handlers: 0, images: 0 });
    }
    const members = await (await admin.get("/admin/members")).text();
    expect(members).toContain("Zoé &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    const holder = card(box.sqlite.query<{ uid: string }, [string]>("SELECT uid FROM cards WHERE wallet_id = ? AND uid IS NOT NULL").get(member.walletId)!.uid);
    const page = await (await new Client(box).get(`/c/${holder.qrId}`, { "x-test-address": "10.0.0.5" })).text();
    expect(await injected(page)).toEqual({ scripts: [], handlers: 0, images: 0 });
    expect(page).toContain("Jeton &lt;script&gt;");
  });
});
