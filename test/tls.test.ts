// Proves the box's own CA and server certificate work for real HTTPS: Bun.serve uses them and node:https/node:tls clients that trust only that CA connect by name and by IP, while a different CA, a wrong name or a missing IP is refused; also file modes, re-issue rules and supplied certificates.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { ensureTlsMaterial, loadSuppliedTls, localNames, type TlsMaterial, type TlsOptions } from "../src/http/tls.ts";
import { systemClock } from "../src/kernel/clock.ts";

const DAY_MS = 86_400_000;
const FINGERPRINT = /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/;
// Real clients check certificates against the real clock, so the box's "now" is the real one here.
const nowMs = systemClock.nowMs();
const options: TlsOptions = { hostnames: ["tibox.local", "localhost"], addresses: ["127.0.0.1", "::1"], nowMs };

const folders: string[] = [];
function freshFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), "tibox-tls-"));
  folders.push(dir);
  return join(dir, "tls");
}
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

type Outcome = { ok: true; status: number; body: string; authorized: boolean } | { ok: false; code: string };

/** One HTTPS GET with node:https and default identity checks; errors come back as their code. */
function get(port: number, extra: https.RequestOptions): Promise<Outcome> {
  return new Promise((resolve) => {
    const request = https.request({ host: "127.0.0.1", port, path: "/", agent: false, ...extra }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => {
        const authorized = (response.socket as tls.TLSSocket | null)?.authorized === true;
        resolve({ ok: true, status: response.statusCode ?? 0, body, authorized });
      });
    });
    request.on("error", (error: NodeJS.ErrnoException) => resolve({ ok: false, code: error.code ?? error.message }));
    request.end();
  });
}

/** The handshake alone with node:tls, without rejecting, to read what the client concluded. */
function handshake(port: number, extra: tls.ConnectionOptions): Promise<{ authorized: boolean; error: string | null }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false, ...extra }, () => {
      const error = socket.authorizationError;
      resolve({ authorized: socket.authorized, error: error ? String(error) : null });
      socket.end();
    });
    socket.on("error", reject);
  });
}

function serve(material: TlsMaterial): { port: number; stop: () => void } {
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    tls: { cert: material.certPem, key: material.keyPem },
    fetch: () => new Response("ok"),
  });
  const port = server.port;
  if (port === undefined) throw new Error("Bun.serve on TCP has a port");
  return { port, stop: () => void server.stop(true) };
}

function leafOf(material: TlsMaterial): X509Certificate {
  return new X509Certificate(material.certPem);
}

describe("ensureTlsMaterial", () => {
  let tlsDir = "";
  let material: TlsMaterial;
  let otherMaterial: TlsMaterial;
  let server: ReturnType<typeof serve>;

  beforeAll(async () => {
    tlsDir = freshFolder();
    material = await ensureTlsMaterial(tlsDir, options);
    otherMaterial = await ensureTlsMaterial(freshFolder(), options);
    server = serve(material);
  });
  afterAll(() => server.stop());

  test("a client trusting only the box CA gets 'ok' by name, with the chain authorized", async () => {
    const outcome = await get(server.port, { ca: material.caCertPem, servername: "tibox.local" });
    expect(outcome).toEqual({ ok: true, status: 200, body: "ok", authorized: true });
  });

  test("a client connecting to 127.0.0.1 without a server name is authorized by the IP SAN", async () => {
    const outcome = await get(server.port, { ca: material.caCertPem });
    expect(outcome).toEqual({ ok: true, status: 200, body: "ok", authorized: true });
    expect(await handshake(server.port, { ca: material.caCertPem })).toEqual({ authorized: true, error: null });
  });

  test("a name the certificate does not cover is refused", async () => {
    const outcome = await get(server.port, { ca: material.caCertPem, servername: "elsewhere.example" });
    expect(outcome).toEqual({ ok: false, code: "ERR_TLS_CERT_ALTNAME_INVALID" });
  });

  test("an IP the certificate does not cover is refused", async () => {
    const narrow = await ensureTlsMaterial(freshFolder(), { hostnames: ["tibox.local"], addresses: ["192.0.2.7"], nowMs });
    const narrowServer = serve(narrow);
    try {
      expect(await get(narrowServer.port, { ca: narrow.caCertPem })).toEqual({ ok: false, code: "ERR_TLS_CERT_ALTNAME_INVALID" });
    } finally {
      narrowServer.stop();
    }
  });

  test("a client trusting a different CA is refused", async () => {
    expect(otherMaterial.caFingerprint).not.toBe(material.caFingerprint);
    const outcome = await get(server.port, { ca: otherMaterial.caCertPem, servername: "tibox.local" });
    expect(outcome).toEqual({ ok: false, code: "SELF_SIGNED_CERT_IN_CHAIN" });
    const seen = await handshake(server.port, { ca: otherMaterial.caCertPem, servername: "tibox.local" });
    expect(seen).toEqual({ authorized: false, error: "SELF_SIGNED_CERT_IN_CHAIN" });
  });

  test("the fingerprint is the SHA-256 of the CA DER in the browsers' format", () => {
    expect(material.caFingerprint).toMatch(FINGERPRINT);
    expect(material.caFingerprint).toBe(new X509Certificate(material.caCertPem).fingerprint256);
  });

  test("the CA and server certificates carry the expected constraints and lifetimes", () => {
    const ca = new X509Certificate(material.caCertPem);
    const leaf = leafOf(material);
    expect(ca.ca).toBe(true);
    expect(ca.subject).toContain("CN=tibox local CA tibox.local ");
    expect(ca.subject).toContain("O=tibox");
    expect(leaf.ca).toBe(false);
    expect(leaf.subject).toContain("CN=tibox.local");
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.subjectAltName).toBe("DNS:tibox.local, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1");
    expect(Date.parse(leaf.validFrom)).toBeLessThanOrEqual(nowMs - DAY_MS + 1000);
    const leafDays = (Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)) / DAY_MS;
    expect(leafDays).toBeGreaterThan(700);
    expect(leafDays).toBeLessThanOrEqual(825);
    const caDays = (Date.parse(ca.validTo) - nowMs) / DAY_MS;
    expect(Math.round(caDays)).toBe(3650);
    expect(material.certPem).toBe(`${leaf.toString().trim()}\n${material.caCertPem}`);
  });

  test("keys are mode 0600, certificates readable, the folder 0700", () => {
    expect(statSync(join(tlsDir, "ca.key")).mode & 0o777).toBe(0o600);
    expect(statSync(join(tlsDir, "server.key")).mode & 0o777).toBe(0o600);
    expect(statSync(join(tlsDir, "ca.crt")).mode & 0o777).toBe(0o644);
    expect(statSync(join(tlsDir, "server.crt")).mode & 0o777).toBe(0o644);
    expect(statSync(tlsDir).mode & 0o777).toBe(0o700);
  });

  test("a second run with nothing changed reuses the CA and the server certificate", async () => {
    const again = await ensureTlsMaterial(tlsDir, { ...options, nowMs: nowMs + 10 * DAY_MS });
    expect(again).toEqual(material);
  });

  test("a new address re-issues the server certificate under the same CA", async () => {
    const moved = await ensureTlsMaterial(tlsDir, { ...options, addresses: [...options.addresses, "192.168.1.20"] });
    expect(moved.caFingerprint).toBe(material.caFingerprint);
    expect(moved.caCertPem).toBe(material.caCertPem);
    expect(moved.certPem).not.toBe(material.certPem);
    expect(moved.keyPem).not.toBe(material.keyPem);
    expect(leafOf(moved).subjectAltName).toContain("IP Address:192.168.1.20");
    expect(leafOf(moved).serialNumber).not.toBe(leafOf(material).serialNumber);
    // The new pair is what later runs reuse, and the old names stay covered.
    const reused = await ensureTlsMaterial(tlsDir, { ...options, addresses: ["192.168.1.20"] });
    expect(reused).toEqual(moved);
  });

  test("800 days later the server certificate is re-issued under the same CA", async () => {
    const laterMs = nowMs + 800 * DAY_MS;
    const later = await ensureTlsMaterial(tlsDir, { ...options, nowMs: laterMs });
    expect(later.caFingerprint).toBe(material.caFingerprint);
    const leaf = leafOf(later);
    expect(Date.parse(leaf.validTo)).toBeGreaterThan(laterMs + 700 * DAY_MS);
    expect(leaf.checkIssued(new X509Certificate(material.caCertPem))).toBe(true);
  });

  test("a CA certificate without its key is an error, not a silent new CA", async () => {
    const dir = freshFolder();
    await ensureTlsMaterial(dir, options);
    rmSync(join(dir, "ca.key"));
    await expect(ensureTlsMaterial(dir, options)).rejects.toThrow("ca.key is missing");
  });
});

describe("loadSuppliedTls", () => {
  let tlsDir = "";
  let material: TlsMaterial;
  let otherDir = "";

  beforeAll(async () => {
    tlsDir = freshFolder();
    otherDir = freshFolder();
    material = await ensureTlsMaterial(tlsDir, options);
    await ensureTlsMaterial(otherDir, options);
  });

  test("the generated server.crt and server.key load, and serve HTTPS", async () => {
    const supplied = loadSuppliedTls(join(tlsDir, "server.crt"), join(tlsDir, "server.key"));
    expect(supplied.keyPem).toBe(material.keyPem);
    expect(supplied.caFingerprint).toMatch(FINGERPRINT);
    // A one-certificate chain: its last certificate is the leaf itself.
    expect(supplied.caFingerprint).toBe(leafOf(material).fingerprint256);
    const server = serve(supplied);
    try {
      const outcome = await get(server.port, { ca: material.caCertPem, servername: "localhost" });
      expect(outcome).toEqual({ ok: true, status: 200, body: "ok", authorized: true });
    } finally {
      server.stop();
    }
  });

  test("in a full chain, the last certificate is the CA", () => {
    const chainPath = join(tlsDir, "fullchain.pem");
    writeFileSync(chainPath, material.certPem);
    const supplied = loadSuppliedTls(chainPath, join(tlsDir, "server.key"));
    expect(supplied.caCertPem).toBe(material.caCertPem);
    expect(supplied.caFingerprint).toBe(material.caFingerprint);
  });

  test("a key from another box is refused with a clear message", () => {
    expect(() => loadSuppliedTls(join(tlsDir, "server.crt"), join(otherDir, "server.key"))).toThrow(
      `TLS key ${join(otherDir, "server.key")} does not match the certificate in ${join(tlsDir, "server.crt")}`,
    );
  });

  test("missing files and files without PEM content are refused with a clear message", () => {
    expect(() => loadSuppliedTls(join(tlsDir, "nope.crt"), join(tlsDir, "server.key"))).toThrow(/nope\.crt is unreadable/);
    expect(() => loadSuppliedTls(join(tlsDir, "server.key"), join(tlsDir, "server.key"))).toThrow(/no PEM certificate found/);
    expect(() => loadSuppliedTls(join(tlsDir, "server.crt"), join(tlsDir, "server.crt"))).toThrow(/not a readable PEM private key/);
  });
});

describe("localNames", () => {
  test("always includes the fixed names and loopback addresses, each once", () => {
    const names = localNames();
    expect(names.hostnames).toEqual(expect.arrayContaining(["tibox.local", "localhost"]));
    expect(names.addresses).toEqual(expect.arrayContaining(["127.0.0.1", "::1"]));
    expect(new Set(names.hostnames).size).toBe(names.hostnames.length);
    expect(new Set(names.addresses).size).toBe(names.addresses.length);
  });
});
