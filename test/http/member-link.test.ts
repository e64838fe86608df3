// Proves where the member's private link points, through the real router on a real box: with no
// public address in the online-sales settings, the member page and the printed letter use the
// address the staff browser used (here a LAN address, http://192.168.1.20:8080) and the member page
// says so; once the settings hold a public address (the one order e-mails link to), both use it,
// path prefix included, whatever address the staff browser used, and the member page says that.
// Either way the link opens the member's own page.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { memberLinkToken } from "../../src/membership/index.ts";
import { readOnlineSalesSettings, saveOnlineSalesSettings } from "../../src/ticketing/index.ts";
import { Client, setUp, testBox, type TestBox } from "../helpers/box.ts";

const LAN = "http://192.168.1.20:8080";
const PUBLIC = "https://billetterie.example.org/tibox";

let box: TestBox;
let admin: Client;
let memberId = "";
let token = "";

/** A GET as the logged-in admin, but at another address than the test client's. */
async function pageAt(origin: string, path: string): Promise<string> {
  const cookie = [...admin.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  const response = await box.app.handle(new Request(origin + path, { headers: { cookie } }));
  expect(response.status).toBe(200);
  return response.text();
}

function setPublicBaseUrl(publicBaseUrl: string): void {
  box.writer.transact((tx) => saveOnlineSalesSettings(tx, { ...readOnlineSalesSettings(tx.sqlite), publicBaseUrl }));
}

beforeAll(async () => {
  box = testBox();
  await setUp(box);
  admin = new Client(box);
  expect((await admin.login()).status).toBe(303);
  const created = await admin.post("/admin/members", { name: "Lina Lettre" });
  expect(created.status).toBe(303);
  memberId = created.headers.get("location")!.split("/").at(-1)!;
  token = memberLinkToken(box.signer, memberId);
});
afterAll(() => box.dispose());

describe("the member's link", () => {
  test("without a public address: the browser's address, and the member page says it may open only at the venue", async () => {
    setPublicBaseUrl("");
    const page = await pageAt(LAN, `/admin/members/${memberId}`);
    expect(page).toContain(`value="${LAN}/me/${token}"`);
    expect(page).toMatch(/data-testid="member-link-origin" data-source="request"/);
    expect(page).toContain(`l'adresse de ce navigateur (${LAN})`);
    const letter = await pageAt(LAN, `/admin/members/${memberId}/letter`);
    expect(letter).toContain(`${LAN}/me/${token}`);
  });

  test("with a public address: the public address (path prefix kept) from any staff address, and the member page says so", async () => {
    setPublicBaseUrl(PUBLIC);
    const page = await pageAt(LAN, `/admin/members/${memberId}`);
    expect(page).toContain(`value="${PUBLIC}/me/${token}"`);
    expect(page).not.toContain(`${LAN}/me/`);
    expect(page).toMatch(/data-testid="member-link-origin" data-source="public"/);
    expect(page).toContain(`l'adresse publique de la boîte (${PUBLIC})`);
    const letter = await pageAt(LAN, `/admin/members/${memberId}/letter`);
    expect(letter).toContain(`${PUBLIC}/me/${token}`);
    expect(letter).not.toContain(`${LAN}/me/`);
    // The link's path is the member's own page on the box.
    expect((await new Client(box).get(`/me/${token}`)).status).toBe(200);
  });
});
