/**
 * HTTPS material for the box. Phones grant the camera, Web NFC and service workers only to a secure
 * context, and a box on a LAN has no public name a public CA could certify, so the box is its own
 * certificate authority: each device trusts ca.crt once, and the server certificate under it can be
 * re-issued (new address, near expiry) without touching the devices again.
 *
 * Files in the TLS folder: ca.crt, ca.key, server.crt, server.key (PEM, keys PKCS#8, mode 0600).
 * Keys are ECDSA P-256 signed with SHA-256: fast to create and to handshake on a Raspberry Pi, and
 * Bun (BoringSSL) accepts the PKCS#8 "BEGIN PRIVATE KEY" form for them.
 */
import { createHash, createPrivateKey, X509Certificate as NodeCertificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { isIPv4, isIPv6 } from "node:net";
import { hostname as osHostname, networkInterfaces } from "node:os";
import { join } from "node:path";
import type * as X509 from "@peculiar/x509";
import { assert, systemRandom } from "../kernel/index.ts";

export interface TlsMaterial {
  /** Server certificate chain PEM (leaf, then CA), for Bun.serve({ tls: { cert, key } }). */
  readonly certPem: string;
  /** Server private key PEM. */
  readonly keyPem: string;
  /** The CA certificate PEM (what users install and trust); for supplied certs, the last of the chain. */
  readonly caCertPem: string;
  /** SHA-256 of the CA certificate DER, uppercase hex pairs joined by ":" (as browsers show it). */
  readonly caFingerprint: string;
}

export interface TlsOptions {
  /** DNS names the server certificate must cover, e.g. [os.hostname(), "tibox.local", "localhost"]. */
  readonly hostnames: readonly string[];
  /** IPv4/IPv6 literals the server certificate must cover, e.g. ["127.0.0.1", "::1"]. */
  readonly addresses: readonly string[];
  /** Injected time; this module never reads the clock. */
  readonly nowMs: number;
}

const DAY_MS = 86_400_000;
const CA_VALIDITY_DAYS = 3650;
/** Apple rejects TLS server certificates valid for more than 825 days; two years stays well under. */
const SERVER_VALIDITY_DAYS = 730;
const SERVER_RENEW_BEFORE_DAYS = 30;
/** notBefore is back-dated so a device whose clock runs a little behind still accepts the certificate. */
const CLOCK_SKEW_DAYS = 1;
const SERIAL_BYTES = 16;
const CA_SUFFIX_BYTES = 4;
const CN_MAX_CHARS = 64;
const MAX_SAN_ENTRIES = 100;
const MAX_LOCAL_ADDRESSES = 32;
const MAX_CHAIN_CERTS = 10;
const MAX_PEM_BYTES = 1_000_000;
const KEY_FILE_MODE = 0o600;
const CERT_FILE_MODE = 0o644;
const DIR_MODE = 0o700;

const FILES = { caCert: "ca.crt", caKey: "ca.key", serverCert: "server.crt", serverKey: "server.key" } as const;
const EC_KEY = { name: "ECDSA", namedCurve: "P-256" } as const;
const EC_SIGNING = { name: "ECDSA", hash: "SHA-256" } as const;
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9_-]+(\.[a-z0-9_-]+)*$/;

type X509Module = typeof X509;

interface KeyedCertificate {
  readonly cert: X509.X509Certificate;
  readonly certPem: string;
  readonly keyPem: string;
  readonly privateKey: CryptoKey;
}

/**
 * Creates (first run) or loads the box's CA (10 years) and server certificate (2 years) in tlsDir,
 * and re-issues the server certificate under the same CA when it expires within 30 days, is not yet
 * valid, or does not cover the requested hostnames and addresses.
 */
export async function ensureTlsMaterial(tlsDir: string, options: TlsOptions): Promise<TlsMaterial> {
  assert(Number.isFinite(options.nowMs) && options.nowMs > 0, "nowMs is a positive time");
  const hostnames = normalizeHostnames(options.hostnames);
  const addresses = normalizeAddresses(options.addresses);
  if (hostnames.length === 0) throw new Error("TLS: at least one hostname is needed for the server certificate");
  if (hostnames.length + addresses.length > MAX_SAN_ENTRIES) {
    throw new Error(`TLS: at most ${MAX_SAN_ENTRIES} hostnames and addresses fit in the server certificate`);
  }
  const x509 = await loadX509();
  await mkdir(tlsDir, { recursive: true, mode: DIR_MODE });
  await chmod(tlsDir, DIR_MODE);

  const ca = await loadOrCreateCa(x509, tlsDir, options.nowMs, hostnames[0] ?? "tibox");
  const existing = await loadServer(x509, tlsDir);
  const server =
    existing && (await serverStillFits(x509, existing, ca, hostnames, addresses, options.nowMs))
      ? existing
      : await issueServer(x509, tlsDir, ca, hostnames, addresses, options.nowMs);

  return {
    certPem: server.certPem + ca.certPem,
    keyPem: server.keyPem,
    caCertPem: ca.certPem,
    caFingerprint: fingerprintOf(new Uint8Array(ca.cert.rawData)),
  };
}

/**
 * Loads an operator-supplied certificate chain and key (PEM files). Throws an Error with a message
 * an operator can act on when a file is unreadable, holds no certificate or key, or when the key
 * does not belong to the first certificate of the chain.
 */
export function loadSuppliedTls(certPath: string, keyPath: string): TlsMaterial {
  const chainText = readPemFile(certPath, "certificate");
  const keyPem = readPemFile(keyPath, "key");
  const blocks = chainText.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new Error(`TLS certificate ${certPath}: no PEM certificate found`);
  if (blocks.length > MAX_CHAIN_CERTS) throw new Error(`TLS certificate ${certPath}: more than ${MAX_CHAIN_CERTS} certificates`);

  const chain = blocks.map((block, index) => {
    try {
      return new NodeCertificate(block);
    } catch (error) {
      throw new Error(`TLS certificate ${certPath}: certificate ${index + 1} is not valid X.509 (${describe(error)})`);
    }
  });
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(keyPem);
  } catch (error) {
    throw new Error(`TLS key ${keyPath}: not a readable PEM private key (${describe(error)})`);
  }
  const leaf = chain[0];
  const last = chain[chain.length - 1];
  assert(leaf !== undefined && last !== undefined, "chain has at least one certificate");
  if (!leaf.checkPrivateKey(key)) {
    throw new Error(`TLS key ${keyPath} does not match the certificate in ${certPath}`);
  }
  const lastBlock = blocks[blocks.length - 1];
  assert(lastBlock !== undefined, "chain has a last block");
  return {
    certPem: blocks.join("\n") + "\n",
    keyPem,
    caCertPem: lastBlock + "\n",
    caFingerprint: fingerprintOf(new Uint8Array(last.raw)),
  };
}

/**
 * This machine's host name (also as <name>.local, which avahi publishes) and non-internal
 * addresses, plus tibox.local, localhost, 127.0.0.1 and ::1. IPv6 link-local addresses are left
 * out: a browser cannot reach them without a zone id, which no certificate can name.
 */
export function localNames(): { hostnames: string[]; addresses: string[] } {
  const host = osHostname().trim().toLowerCase().replace(/\.$/, "");
  const candidates = [host, host.includes(".") ? "" : `${host}.local`, "tibox.local", "localhost"];
  const hostnames = unique(candidates.filter((name) => DNS_NAME.test(name)));

  const found: string[] = [];
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) {
      if (entry.internal) continue;
      if (entry.family === "IPv6" && /^fe[89ab]/i.test(entry.address)) continue;
      if (entry.address.includes("%")) continue;
      found.push(entry.address);
    }
  }
  const addresses = unique(["127.0.0.1", "::1", ...found.slice(0, MAX_LOCAL_ADDRESSES)].map(canonicalAddress));
  return { hostnames, addresses };
}

// ---------------------------------------------------------------------------------------------
// The certificate authority

async function loadOrCreateCa(x509: X509Module, dir: string, nowMs: number, firstHostname: string): Promise<KeyedCertificate> {
  const certPem = await readOptional(join(dir, FILES.caCert));
  // The certificate is written after its key, so a missing ca.crt means no CA was ever completed.
  if (certPem === undefined) return createCa(x509, dir, nowMs, firstHostname);

  const keyPem = await readOptional(join(dir, FILES.caKey));
  const recover = `restore both from a backup, or delete ${FILES.caCert} to create a new CA (every device must then trust the new one)`;
  if (keyPem === undefined) throw new Error(`TLS: ${join(dir, FILES.caCert)} exists but ${FILES.caKey} is missing; ${recover}`);
  const ca = await parseKeyed(x509, certPem, keyPem).catch((error: unknown) => {
    throw new Error(`TLS: the CA in ${dir} is unreadable (${describe(error)}); ${recover}`);
  });
  if (!keyMatches(ca.certPem, ca.keyPem)) throw new Error(`TLS: ${FILES.caKey} does not match ${FILES.caCert} in ${dir}; ${recover}`);
  // A CA about to expire cannot sign a useful server certificate: start a new one (once a decade).
  if (ca.cert.notAfter.getTime() - nowMs <= SERVER_RENEW_BEFORE_DAYS * DAY_MS) return createCa(x509, dir, nowMs, firstHostname);
  return ca;
}

async function createCa(x509: X509Module, dir: string, nowMs: number, firstHostname: string): Promise<KeyedCertificate> {
  const keys = await generateKeys();
  const suffix = hex(systemRandom(CA_SUFFIX_BYTES));
  const commonName = `tibox local CA ${firstHostname}`.slice(0, CN_MAX_CHARS - suffix.length - 1) + ` ${suffix}`;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `CN=${commonName}, O=tibox`,
    notBefore: new Date(nowMs - CLOCK_SKEW_DAYS * DAY_MS),
    notAfter: new Date(nowMs + CA_VALIDITY_DAYS * DAY_MS),
    keys,
    signingAlgorithm: EC_SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return writeKeyed(x509, dir, FILES.caCert, FILES.caKey, cert, keys.privateKey);
}

// ---------------------------------------------------------------------------------------------
// The server certificate

async function loadServer(x509: X509Module, dir: string): Promise<KeyedCertificate | undefined> {
  const certPem = await readOptional(join(dir, FILES.serverCert));
  const keyPem = await readOptional(join(dir, FILES.serverKey));
  if (certPem === undefined || keyPem === undefined) return undefined;
  // An unreadable or mismatched server pair costs nothing to replace: re-issue rather than fail.
  const server = await parseKeyed(x509, certPem, keyPem).catch(() => undefined);
  if (!server || !keyMatches(server.certPem, server.keyPem)) return undefined;
  return server;
}

async function serverStillFits(
  x509: X509Module,
  server: KeyedCertificate,
  ca: KeyedCertificate,
  hostnames: readonly string[],
  addresses: readonly string[],
  nowMs: number,
): Promise<boolean> {
  const { cert } = server;
  if (nowMs < cert.notBefore.getTime()) return false;
  if (cert.notAfter.getTime() - nowMs <= SERVER_RENEW_BEFORE_DAYS * DAY_MS) return false;
  if (cert.issuer !== ca.cert.subject) return false;
  const signedByCa = await cert.verify({ publicKey: ca.cert.publicKey, signatureOnly: true }).catch(() => false);
  if (!signedByCa) return false;

  const names = cert.getExtension(x509.SubjectAlternativeNameExtension)?.names.toJSON() ?? [];
  const dns = new Set(names.filter((n) => n.type === "dns").map((n) => n.value.toLowerCase()));
  const ips = new Set(names.filter((n) => n.type === "ip").map((n) => safeCanonicalAddress(n.value)));
  return hostnames.every((h) => dns.has(h)) && addresses.every((a) => ips.has(a));
}

async function issueServer(
  x509: X509Module,
  dir: string,
  ca: KeyedCertificate,
  hostnames: readonly string[],
  addresses: readonly string[],
  nowMs: number,
): Promise<KeyedCertificate> {
  const keys = await generateKeys();
  const notAfterMs = Math.min(nowMs + SERVER_VALIDITY_DAYS * DAY_MS, ca.cert.notAfter.getTime());
  const commonName = (hostnames[0] ?? "tibox.local").slice(0, CN_MAX_CHARS);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: `CN=${commonName}, O=tibox`,
    issuer: ca.cert.subject,
    notBefore: new Date(nowMs - CLOCK_SKEW_DAYS * DAY_MS),
    notAfter: new Date(notAfterMs),
    publicKey: keys.publicKey,
    signingKey: ca.privateKey,
    signingAlgorithm: EC_SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension([
        ...hostnames.map((value) => ({ type: "dns" as const, value })),
        ...addresses.map((value) => ({ type: "ip" as const, value })),
      ]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey),
    ],
  });
  return writeKeyed(x509, dir, FILES.serverCert, FILES.serverKey, cert, keys.privateKey);
}

// ---------------------------------------------------------------------------------------------
// Helpers

/**
 * @peculiar/x509 loads tsyringe, which refuses to start without the Reflect metadata polyfill;
 * the polyfill must load first, hence two dynamic imports in order (a static import of x509
 * would run before it). Loaded only when HTTPS material is made or read.
 */
async function loadX509(): Promise<X509Module> {
  await import("reflect-metadata");
  const x509 = await import("@peculiar/x509");
  x509.cryptoProvider.set(crypto);
  return x509;
}

async function generateKeys(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(EC_KEY, true, ["sign", "verify"]);
}

async function parseKeyed(x509: X509Module, certPem: string, keyPem: string): Promise<KeyedCertificate> {
  const cert = new x509.X509Certificate(certPem);
  const keyDer = x509.PemConverter.decodeFirst(keyPem);
  const privateKey = await crypto.subtle.importKey("pkcs8", keyDer, EC_KEY, false, ["sign"]);
  return { cert, certPem: normalizePem(certPem), keyPem: normalizePem(keyPem), privateKey };
}

async function writeKeyed(
  x509: X509Module,
  dir: string,
  certFile: string,
  keyFile: string,
  cert: X509.X509Certificate,
  privateKey: CryptoKey,
): Promise<KeyedCertificate> {
  const keyPem = normalizePem(x509.PemConverter.encode(await crypto.subtle.exportKey("pkcs8", privateKey), "PRIVATE KEY"));
  const certPem = normalizePem(cert.toString("pem"));
  // Key first: a certificate on disk then always has its key beside it.
  await writeAtomically(join(dir, keyFile), keyPem, KEY_FILE_MODE);
  await writeAtomically(join(dir, certFile), certPem, CERT_FILE_MODE);
  return { cert, certPem, keyPem, privateKey };
}

async function writeAtomically(path: string, text: string, mode: number): Promise<void> {
  const temporary = `${path}.tmp`;
  await writeFile(temporary, text, { mode });
  // writeFile's mode only applies to a new file; a leftover temporary keeps its old mode.
  await chmod(temporary, mode);
  await rename(temporary, path);
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function readPemFile(path: string, what: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`TLS ${what} ${path} is unreadable (${describe(error)})`);
  }
  if (text.length > MAX_PEM_BYTES) throw new Error(`TLS ${what} ${path} is larger than ${MAX_PEM_BYTES} bytes`);
  return text;
}

function keyMatches(certPem: string, keyPem: string): boolean {
  try {
    return new NodeCertificate(certPem).checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
  }
}

function normalizeHostnames(hostnames: readonly string[]): string[] {
  const normalized = hostnames.map((name) => name.trim().toLowerCase().replace(/\.$/, ""));
  for (const name of normalized) {
    if (!DNS_NAME.test(name)) throw new Error(`TLS: ${JSON.stringify(name)} is not a valid DNS name for a certificate`);
  }
  return unique(normalized);
}

function normalizeAddresses(addresses: readonly string[]): string[] {
  return unique(addresses.map(canonicalAddress));
}

/** One spelling per address, so "::1" and "0:0:0:0:0:0:0:1" compare equal. */
function canonicalAddress(address: string): string {
  const trimmed = address.trim();
  if (isIPv4(trimmed)) return trimmed;
  if (isIPv6(trimmed) && !trimmed.includes("%")) return new URL(`http://[${trimmed}]/`).hostname.slice(1, -1);
  throw new Error(`TLS: ${JSON.stringify(address)} is not an IPv4 or IPv6 address`);
}

function safeCanonicalAddress(address: string): string {
  try {
    return canonicalAddress(address);
  } catch {
    return address;
  }
}

/** A positive serial: the top bit is cleared and the next set, so DER needs no sign byte and no trimming. */
function randomSerial(): string {
  const bytes = systemRandom(SERIAL_BYTES);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return hex(bytes);
}

function fingerprintOf(der: Uint8Array): string {
  const digest = createHash("sha256").update(der).digest("hex").toUpperCase();
  return digest.match(/../g)?.join(":") ?? "";
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function normalizePem(pem: string): string {
  return pem.trim().replace(/\r\n/g, "\n") + "\n";
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
