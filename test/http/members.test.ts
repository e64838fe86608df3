// Proves the member register's pages on a real box driven through app.handle with browser-like
// clients: a cashier is refused the register, the products, the fields, the export and the erasure;
// a manager is refused the fields and the erasure; a form without its CSRF token writes nothing;
// search finds members by name, e-mail, phone digits and card UID; custom fields are asked and
// checked (the refusal names the field); a membership product is created and granted by hand and
// the card API then fills member and membership; the member's own page opens from its private link
// only (a changed, foreign or erased member's token is 404), shows balances and tickets, never the
// e-mail, phone or notes, and renders a name with markup as text.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { insertSession } from "../../src/auth/index.ts";
import { generateSigningKeyPem, signerFromPem } from "../../src/kernel/index.ts";
import { findRegisterMember, listMemberFields, listMembershipProducts, memberFieldValues, memberLinkToken, membershipOf } from "../../src/membership/index.ts";
import { addOperator, Client, ORIGIN, setUp, testBox, type TestBox } from "../helpers/box.ts";

const EVIL = `<script>alert("x")</script><img src=x onerror=alert(1)>`;
const MANAGER = { email: "manager@example.org", password: "long enough password" } as const;
const UID = "04ABCD01";

let box: TestBox;
let admin: Client;
let manager: Client;
let cashier: Client;
let tillToken = "";
let keyCounter = 0;

beforeAll(async () => {
  box = testBox({ addressOf: (request) => request.headers.get("x-test-address") ?? undefined });
  await setUp(box);
  admin = new Client(box);
  expect((await admin.login()).status).toBe(303);
  await addOperator(box, "manager", "Max Manager", MANAGER);
  manager = new Client(box);
  expect((await manager.login(MANAGER.email, MANAGER.password)).status).toBe(303);
  const cashierOperator = await addOperator(box, "cashier", "Cléo Caisse", { pin: "4321" });
  cashier = new Client(box);
  cashier.cookies.set("tibox_session", box.writer.transact((tx) => insertSession(tx, box.deps.random, cashierOperator.id, null)).cookieValue);
  tillToken = box.auth.addTerminalSync("test", "till", "Bar").token;
});
afterAll(() => box.dispose());

async function device(method: string, path: string, body?: Record<string, unknown>): Promise<{ status: number; body: Record<string, any> }> {
  const response = await box.app.handle(
    new Request(ORIGIN + path, {
      method,
      headers: { authorization: `Bearer ${tillToken}`, "content-type": "application/json", "idempotency-key": `members-${++keyCounter}` },
      ...(body ? { body: JSON.stringify(body) } : {}),
    }),
  );
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

async function createMember(client: Client, form: Record<string, string>): Promise<string> {
  const response = await client.post("/admin/members", form);
  expect(response.status).toBe(303);
  return response.headers.get("location")!.split("/").at(-1)!;
}

function count(sql: string): number {
  return box.sqlite.query<{ n: number }, []>(sql).get()!.n;
}

/** Parses a page with a real HTML parser: scripts other than the box's own assets, on* handlers and images. */
async function injected(html: string): Promise<{ scripts: number; handlers: number; images: number }> {
  const found = { scripts: 0, handlers: 0, images: 0 };
  await new HTMLRewriter()
    .on("script", { element: (element) => void (element.getAttribute("src")?.startsWith("/assets/") ? undefined : found.scripts++) })
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

describe("roles and CSRF", () => {
  test("a cashier is refused every register page; a manager the fields and the erasure", async () => {
    const memberId = await createMember(manager, { name: "Rita Roles" });
    for (const path of ["/admin/members", `/admin/members/${memberId}`, "/admin/members/products", "/admin/members/fields", `/admin/members/${memberId}/letter`]) {
      expect(`${path} ${(await cashier.get(path)).status}`).toBe(`${path} 403`);
    }
    for (const path of [`/admin/members/${memberId}/export`, `/admin/members/${memberId}/erase`, "/admin/members"]) {
      expect(`${path} ${(await cashier.post(path, { confirm: "1", name: "x" })).status}`).toBe(`${path} 403`);
    }
    expect((await manager.get("/admin/members/fields")).status).toBe(403);
    expect((await manager.post("/admin/members/fields", { label: "Taille", kind: "text" })).status).toBe(403);
    expect((await manager.post(`/admin/members/${memberId}/erase`, { confirm: "1" })).status).toBe(403);
    expect((await manager.get("/admin/members/products")).status).toBe(200);
    expect((await manager.get(`/admin/members/${memberId}/letter`)).status).toBe(200);
    expect(findRegisterMember(box.sqlite, memberId)!.erasedAtMs).toBeNull();
    // The manager's member page offers no erase form; the admin's does.
    expect(await (await manager.get(`/admin/members/${memberId}`)).text()).not.toContain(`/admin/members/${memberId}/erase`);
    expect(await (await admin.get(`/admin/members/${memberId}`)).text()).toContain(`action="/admin/members/${memberId}/erase"`);
  });

  test("a form without its CSRF token writes nothing", async () => {
    const memberId = await createMember(admin, { name: "Chloé Csrf" });
    const erase = await admin.request("POST", `/admin/members/${memberId}/erase`, { form: { confirm: "1" }, csrf: false });
    expect(erase.status).toBe(403);
    const edit = await admin.request("POST", `/admin/members/${memberId}`, { form: { name: "Changed" }, csrf: false });
    expect(edit.status).toBe(403);
    const member = findRegisterMember(box.sqlite, memberId)!;
    expect(member).toMatchObject({ name: "Chloé Csrf", erasedAtMs: null });
    const products = listMembershipProducts(box.sqlite).length;
    expect((await manager.request("POST", "/admin/members/products", { form: { name: "Sneaky", duration: "month", amount: "1" }, csrf: false })).status).toBe(403);
    expect(listMembershipProducts(box.sqlite)).toHaveLength(products);
  });
});

describe("the register", () => {
  test("search by name, e-mail, phone digits and card UID; the list shows the membership state", async () => {
    const memberId = await createMember(manager, { name: "Samir Search", email: "samir@example.org", phone: "06 98 76 54 32" });
    expect((await device("POST", "/api/v1/wallet/topups", { card_uid: UID, asset: "EUR", amount: 1_000, method: "cash" })).status).toBe(201);
    expect((await manager.post(`/admin/members/${memberId}/cards`, { card_uid: UID })).status).toBe(200);
    for (const query of ["samir", "SAMIR@example", "0698765432", "98 76", "04:ab:cd:01"]) {
      const page = await (await manager.get(`/admin/members?q=${encodeURIComponent(query)}`)).text();
      expect(`${query}: ${page.includes(`href="/admin/members/${memberId}"`)}`).toBe(`${query}: true`);
    }
    const nothing = await (await manager.get("/admin/members?q=zzzz-nobody")).text();
    expect(nothing).not.toContain(`href="/admin/members/${memberId}"`);
    expect(await (await manager.get("/admin/members?q=samir")).text()).toContain("Jamais adhérent");
  });

  test("custom fields are asked on the forms and checked; the refusal names the field", async () => {
    expect((await admin.post("/admin/members/fields", { label: `Taille ${EVIL}`, kind: "choice", options: "S\nM\nL", required: "1", active: "1" })).status).toBe(303);
    expect((await admin.post("/admin/members/fields", { label: "Bénévole", kind: "checkbox", active: "1" })).status).toBe(303);
    const badField = await admin.post("/admin/members/fields", { label: "Vide", kind: "choice", options: "\n", active: "1" });
    expect(badField.status).toBe(400);
    const [size, volunteer] = listMemberFields(box.sqlite, { activeOnly: true });
    expect(size!.options).toEqual(["S", "M", "L"]);
    const form = await (await manager.get("/admin/members")).text();
    expect(form).toContain(`name="field_${size!.id}"`);
    expect(await injected(form)).toMatchObject({ scripts: 0, handlers: 0, images: 0 });

    const before = count("SELECT count(*) AS n FROM members");
    const missing = await manager.post("/admin/members", { name: "Fanny Fields" });
    expect(missing.status).toBe(400);
    const missingHtml = await missing.text();
    expect(missingHtml).toContain("est obligatoire");
    expect(missingHtml).toContain("&lt;script&gt;");
    const invalid = await manager.post("/admin/members", { name: "Fanny Fields", [`field_${size!.id}`]: "XXL" });
    expect(invalid.status).toBe(400);
    expect(count("SELECT count(*) AS n FROM members")).toBe(before);

    const memberId = await createMember(manager, { name: "Fanny Fields", [`field_${size!.id}`]: "M", [`field_${volunteer!.id}`]: "1" });
    expect(memberFieldValues(box.sqlite, memberId)).toEqual({ [size!.id]: "M", [volunteer!.id]: "1" });
    const saved = await manager.post(`/admin/members/${memberId}`, { name: "Fanny Fields", notes: "Vient le mardi", [`field_${size!.id}`]: "L" });
    expect(saved.status).toBe(200);
    expect(memberFieldValues(box.sqlite, memberId)).toEqual({ [size!.id]: "L" });
    expect(findRegisterMember(box.sqlite, memberId)!.notes).toBe("Vient le mardi");
    // Withdrawn: no longer asked nor required; the answer stays and is shown apart.
    expect((await admin.post(`/admin/members/fields/${size!.id}`, { label: "Taille", kind: "choice", options: "S\nM\nL", required: "1" })).status).toBe(200);
    expect((await manager.post("/admin/members", { name: "Nina NoSize" })).status).toBe(303);
    const page = await (await manager.get(`/admin/members/${memberId}`)).text();
    expect(page).toContain("Réponses à des champs retirés");
    expect(page).not.toContain(`name="field_${size!.id}"`);
  });

  test("a membership product is created, refused when malformed, granted by hand; the card API fills member and membership", async () => {
    const before = listMembershipProducts(box.sqlite).length;
    expect((await manager.post("/admin/members/products", { name: "Mois", duration: "custom", custom_days: "", amount: "3" })).status).toBe(400);
    expect((await manager.post("/admin/members/products", { name: "Mois", duration: "month", amount: "3,333" })).status).toBe(400);
    expect((await manager.post("/admin/members/products", { name: "", duration: "month", amount: "3" })).status).toBe(400);
    expect(listMembershipProducts(box.sqlite)).toHaveLength(before);
    expect((await manager.post("/admin/members/products", { name: `Adhésion ${EVIL}`, duration: "calendar_year", amount: "15,00", vat_rate: "0", active: "1" })).status).toBe(303);
    const product = listMembershipProducts(box.sqlite).find((p) => p.name.startsWith("Adhésion"))!;
    expect(product).toMatchObject({ duration: "calendar_year", amountMinor: 1_500, active: true });
    const list = await (await manager.get("/admin/members/products")).text();
    expect(await injected(list)).toMatchObject({ scripts: 0, handlers: 0, images: 0 });
    expect((await manager.post(`/admin/members/products/${product.id}`, { name: "Adhésion", duration: "calendar_year", amount: "16", active: "1" })).status).toBe(200);

    const card = await device("GET", `/api/v1/cards/${UID}`);
    const memberId = card.body.member.id as string;
    expect(card.body.membership).toEqual({ valid: false, until: null });
    const granted = await manager.post(`/admin/members/${memberId}/memberships`, { product_id: product.id });
    expect(granted.status).toBe(200);
    expect(await granted.text()).toContain("Adhésion enregistrée");
    const status = membershipOf(box.sqlite, memberId, box.deps.clock.nowMs());
    expect(status.valid).toBe(true);
    const after = await device("GET", `/api/v1/cards/${UID}`);
    expect(after.body.member).toEqual({ id: memberId, name: "Samir Search" });
    expect(after.body.membership).toEqual({ valid: true, until: status.until });
    expect((await manager.post(`/admin/members/${memberId}/memberships`, { product_id: "nope" })).status).toBe(404);
  });
});

describe("the member's own page", () => {
  const get = (path: string, address = "10.0.0.9") => box.app.handle(new Request(ORIGIN + path, { headers: { "x-test-address": address } }));

  test("opens from the private link only; shows validity, cards, balances; never e-mail, phone or notes", async () => {
    const memberId = await createMember(manager, { name: `Eve ${EVIL}`, email: "eve@example.org", phone: "07 00 00 00 07" });
    expect((await manager.post(`/admin/members/${memberId}`, { name: `Eve ${EVIL}`, email: "eve@example.org", phone: "07 00 00 00 07", notes: "Secret note" })).status).toBe(200);
    expect((await device("POST", "/api/v1/wallet/topups", { card_uid: "04ABCD02", asset: "EUR", amount: 1_234, method: "cash" })).status).toBe(201);
    expect((await manager.post(`/admin/members/${memberId}/cards`, { card_uid: "04ABCD02" })).status).toBe(200);
    const token = memberLinkToken(box.signer, memberId);
    // Staff see the link on the member page and on the letter (with its QR code).
    expect(await (await manager.get(`/admin/members/${memberId}`)).text()).toContain(`/me/${token}`);
    const letter = await (await manager.get(`/admin/members/${memberId}/letter`)).text();
    expect(letter).toContain(`/me/${token}`);
    expect(letter).toContain("<svg");

    const response = await get(`/me/${token}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const page = await response.text();
    expect(page).toContain("Eve &lt;script&gt;");
    expect(page).toContain("12,34");
    expect(page).toContain("Jamais adhérent");
    expect(await injected(page)).toEqual({ scripts: 0, handlers: 0, images: 0 });
    for (const secret of ["eve@example.org", "07 00 00 00 07", "Secret note", "04ABCD02", "Max Manager"]) expect(page).not.toContain(secret);
    expect(await (await get(`/me/${token}?lang=en`)).text()).toContain("My membership");
  });

  test("a changed, malformed or foreign token, or an erased member's, is the same 404", async () => {
    const memberId = await createMember(manager, { name: "Tom Token" });
    const token = memberLinkToken(box.signer, memberId);
    const flipped = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    const otherVenue = memberLinkToken(signerFromPem(generateSigningKeyPem()), memberId);
    const unknownMember = memberLinkToken(box.signer, "01ZZZZZZZZZZZZZZZZZZZZZZZZ");
    const bodies = new Set<string>();
    for (const bad of [flipped, otherVenue, unknownMember, memberId, "x", `${token}x`, token.toLowerCase()]) {
      const response = await get(`/me/${encodeURIComponent(bad)}`, "10.0.0.10");
      expect(`${bad} ${response.status}`).toBe(`${bad} 404`);
      const text = await response.text();
      expect(text).not.toContain("Tom Token");
      bodies.add(text);
    }
    expect(bodies.size).toBe(1);
    expect((await get(`/me/${token}`, "10.0.0.10")).status).toBe(200);
    expect((await admin.post(`/admin/members/${memberId}/erase`, { confirm: "1" })).status).toBe(200);
    expect((await get(`/me/${token}`, "10.0.0.10")).status).toBe(404);
  });

  test("each address gets a few pages a minute, unknown tokens included", async () => {
    let last = 0;
    for (let i = 0; i < 40 && last !== 429; i++) last = (await get("/me/nothing", "10.0.0.11")).status;
    expect(last).toBe(429);
  });
});
