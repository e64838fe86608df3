// Proves what the door page gives its camera scanner, through the real router (app.handle): the
// camera section with its messages in the page's language, the camera script, and, for a phone on
// the plain HTTP address, this same page at the box's HTTPS address (the box's host name, its
// HTTPS port, the chosen event kept) with the certificate download; with HTTPS off, the notice
// that says so and no link. A hostile query string comes back escaped.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { insertSession } from "../../src/auth/index.ts";
import type { TlsInfo } from "../../src/http/deps.ts";
import { FakeClock } from "../../src/kernel/index.ts";
import { createEvent } from "../../src/ticketing/index.ts";
import { en } from "../../ui/i18n/en.ts";
import { fr } from "../../ui/i18n/fr.ts";
import { Client, setUp, testBox, type TestBox } from "../helpers/box.ts";

const HOUR = 3_600_000;
const NOW = Date.UTC(2030, 4, 10, 18, 0);
const TLS: TlsInfo = { caFingerprint: "AA:BB", caCertPem: "-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n", httpsPort: 8443 };

interface Door {
  readonly box: TestBox;
  readonly eventId: string;
  client(): Client;
}

async function door(tls: TlsInfo | undefined): Promise<Door> {
  const box = testBox({ clock: new FakeClock(NOW), ...(tls ? { tls } : {}) });
  await setUp(box);
  const paired = box.auth.addTerminalSync("test", "door", "Porte nord");
  const volunteer = await box.auth.createOperator("test", { name: "Dom", role: "door", pin: "2222" });
  const eventId = box.writer.transact(
    (tx) => createEvent(tx, { signer: box.signer, newId: box.deps.newId }, { title: "Concert", description: "", imageUrl: null, startsAtMs: NOW + HOUR, endsAtMs: NOW + 4 * HOUR, doorsAtMs: NOW + HOUR / 2, capacity: null, tags: [], visibility: "private" }).id,
  );
  return {
    box,
    eventId,
    client() {
      const client = new Client(box);
      client.cookies.set("tibox_terminal", paired.token);
      client.cookies.set("tibox_session", box.writer.transact((tx) => insertSession(tx, box.deps.random, volunteer.id, paired.terminal.id)).cookieValue);
      return client;
    },
  };
}

describe("the door page's camera section", () => {
  let withHttps: Door;
  let withoutHttps: Door;

  beforeAll(async () => {
    [withHttps, withoutHttps] = await Promise.all([door(TLS), door(undefined)]);
  });
  afterAll(() => {
    withHttps.box.dispose();
    withoutHttps.box.dispose();
  });

  test("the camera button, its script and its messages, in French and in English", async () => {
    const client = withHttps.client();
    const french = await (await client.get("/door")).text();
    expect(french).toContain('<script src="/assets/door-camera.js" defer></script>');
    expect(french).toContain('id="door-camera-toggle"');
    expect(french).toContain(`>${fr["door.camera.start"]}</button>`);
    expect(french).toContain(`data-msg-stop="${fr["door.camera.stop"]}"`);
    expect(french).toContain(`data-msg-scanning="${fr["door.camera.scanning"]}"`);
    client.cookies.set("tibox_lang", "en");
    const english = await (await client.get("/door")).text();
    expect(english).toContain(`>${en["door.camera.start"]}</button>`);
    expect(english).toContain(`data-msg-scanning="${en["door.camera.scanning"]}"`);
  });

  test("with HTTPS on: this page at the box's https address, the event kept, and the certificate to download", async () => {
    const html = await (await withHttps.client().get(`/door?event=${withHttps.eventId}`)).text();
    const link = `https://localhost:8443/door?event=${withHttps.eventId}`;
    expect(html).toContain(`<a href="${link}" data-testid="door-camera-https">${link}</a>`);
    expect(html).toContain('<a href="/ca.crt">');
    expect(html).not.toContain(fr["door.camera.insecure_off"]);
  });

  test("with HTTPS off: the notice says so, with no link", async () => {
    const html = await (await withoutHttps.client().get("/door")).text();
    expect(html).toContain(fr["door.camera.insecure_off"]);
    expect(html).not.toContain("door-camera-https");
    expect(html).not.toContain('href="/ca.crt"');
  });

  test("a hostile query string comes back escaped in the https link", async () => {
    const html = await (await withHttps.client().get(`/door?event=${withHttps.eventId}&x="><script>alert(1)</script>`)).text();
    const link = html.match(/<a href="([^"]*)" data-testid="door-camera-https">([^<]*)<\/a>/);
    expect(link).not.toBeNull();
    expect(link![1]).toStartWith("https://localhost:8443/door?event=");
    expect(html).not.toContain("<script>alert(1)</script>");
  });
});
