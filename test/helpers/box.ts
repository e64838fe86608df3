/**
 * Test helpers: a box on a real SQLite file in a fresh temporary folder, driven through
 * app.handle (no port), and a cookie-keeping client that fills in CSRF tokens like a browser.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openBox, type Box, type BoxOptions } from "../../src/app.ts";
import { appendEvent, hashSecret, insertOperator, type Role } from "../../src/auth/index.ts";
import { checkVenueProfile, insertVenue } from "../../src/federation/index.ts";

export const SETUP_CODE = "24681357";
export const ORIGIN = "http://localhost";

export function tempFolder(prefix = "tibox-test-"): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface TestBox extends Box {
  readonly folder: string;
  dispose(): void;
}

export function testBox(options: Partial<BoxOptions> = {}): TestBox {
  const folder = tempFolder();
  const box = openBox({ dataDir: folder.path, setupCode: SETUP_CODE, ...options });
  return {
    ...box,
    folder: folder.path,
    dispose() {
      box.close();
      folder.remove();
    },
  };
}

export const ADMIN = { email: "admin@example.org", password: "correct horse battery" } as const;

/** Sets the venue up directly (as `tibox init` does), with one admin. */
export async function setUp(box: Box, legalName = "Les Amis du Quartier"): Promise<void> {
  const passwordHash = await hashSecret(ADMIN.password);
  box.writer.transact((tx) => {
    const venue = insertVenue(tx, box.deps.newId, checkVenueProfile({ legalName, address: "1 rue Test, Lyon" }), box.signer.publicKey);
    const admin = insertOperator(tx, box.deps.newId, { name: "Ada Admin", email: ADMIN.email, role: "admin", passwordHash });
    appendEvent(tx, box.signer, { kind: "setup.completed", actor: `operator:${admin.id}`, subject: `venue:${venue.id}`, detail: {} });
  });
}

export interface Credentials {
  readonly email?: string;
  readonly password?: string;
  readonly pin?: string;
  readonly staffCardUid?: string;
}

export async function addOperator(box: Box, role: Role, name: string, credentials: Credentials) {
  return box.auth.createOperator("test", { name, role, ...credentials });
}

/** A browser-like client: keeps cookies, sends the CSRF token with every form. */
export class Client {
  readonly cookies = new Map<string, string>();
  readonly box: Box;

  constructor(box: Box) {
    this.box = box;
  }

  async request(method: string, path: string, init: { form?: Record<string, string>; json?: unknown; headers?: Record<string, string>; csrf?: boolean } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join("; "));
    let body: string | undefined;
    if (init.form) {
      if (!this.cookies.has("tibox_csrf")) await this.get("/healthz");
      const form = new URLSearchParams(init.form);
      if (init.csrf !== false && !form.has("_csrf")) form.set("_csrf", this.cookies.get("tibox_csrf") ?? "");
      body = form.toString();
      headers.set("content-type", "application/x-www-form-urlencoded");
      if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join("; "));
    } else if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers.set("content-type", "application/json");
    }
    const response = await this.box.app.handle(new Request(ORIGIN + path, { method, headers, body }));
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const index = pair!.indexOf("=");
      const name = pair!.slice(0, index);
      const value = decodeURIComponent(pair!.slice(index + 1));
      if (/Max-Age=0/.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  get(path: string, headers?: Record<string, string>) {
    return this.request("GET", path, headers ? { headers } : {});
  }

  post(path: string, form: Record<string, string>) {
    return this.request("POST", path, { form });
  }

  async login(email: string = ADMIN.email, password: string = ADMIN.password): Promise<Response> {
    await this.get("/login");
    return this.post("/login", { email, password });
  }
}
