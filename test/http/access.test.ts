// Proves authorization is checked on the server for every route: a table walks every route of
// the app with every role, with no session, and (for the device API) with every terminal kind,
// a bad token and no token, and asserts the status each one must get.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { insertSession, ROLES, TERMINAL_KINDS, type Role, type TerminalKind } from "../../src/auth/index.ts";
import { ROUTES, type Route } from "../../src/http/index.ts";
import { enqueuePrintJob, insertPrinter } from "../../src/pos/index.ts";
import { createEvent } from "../../src/ticketing/index.ts";
import { printDocument, text } from "../../hardware/printer/index.ts";
import { ORIGIN, setUp, testBox, type TestBox } from "../helpers/box.ts";

let box: TestBox;
const operatorIds = new Map<Role, string>();
const deviceTokens = new Map<TerminalKind, string>();
let terminalId = "";
let managerId = "";
let printerId = "";
let printJobId = 0;
let eventId = "";
const CSRF = "c".repeat(43);

beforeAll(async () => {
  box = testBox();
  await setUp(box);
  for (const role of ROLES) {
    const operator = await box.auth.createOperator("test", {
      name: `${role} person`,
      role,
      pin: "1234",
      ...(role === "admin" || role === "manager" ? { email: `${role}.walker@example.org`, password: "long enough password" } : {}),
    });
    operatorIds.set(role, operator.id);
  }
  managerId = operatorIds.get("manager")!;
  for (const kind of TERMINAL_KINDS) deviceTokens.set(kind, box.auth.addTerminalSync("test", kind, `${kind} one`).token);
  // The admin routes rename and revoke this one, not the devices above.
  terminalId = box.auth.addTerminalSync("test", "till", "admin target").terminal.id;
  // The printer routes edit, test and reprint these (a simulated printer: nothing leaves the box).
  box.writer.transact((tx) => {
    const printer = insertPrinter(tx, box.deps.newId, { name: "walker", kind: "simulated", address: "walker", paperMm: 80, codePage: "pc858", printGroups: [], hasCashDrawer: false, active: true });
    printerId = printer.id;
    printJobId = enqueuePrintJob(tx, { printerId, kind: "test", document: printDocument(text("access")) }).id;
    // The event pages open this one.
    const startsAtMs = box.deps.clock.nowMs() + 86_400_000;
    eventId = createEvent(tx, { signer: box.signer, newId: box.deps.newId }, { title: "Walker night", description: "", imageUrl: null, startsAtMs, endsAtMs: startsAtMs + 3_600_000, doorsAtMs: startsAtMs, capacity: null, tags: [], visibility: "public" }).id;
  });
});

afterAll(() => box.dispose());

function sessionFor(role: Role): string {
  return box.writer.transact((tx) => insertSession(tx, box.deps.random, operatorIds.get(role)!, null)).cookieValue;
}

function pathOf(route: Route): string {
  return route.path.replace(":id", route.path.includes("operators") ? operatorIds.get("door")! : route.path.includes("terminals") ? terminalId : route.path.includes("/printers/") ? printerId : route.path.includes("/print-jobs/") ? String(printJobId) : route.path.includes("/ticketing/events/") || route.path.startsWith("/agenda/") ? eventId : "x").replace(":name", "app.css").replace(":code", "EUR").replace(":number", "1").replace(":seq", "1");
}

async function call(route: Route, headers: Record<string, string>): Promise<Response> {
  const init: RequestInit = { method: route.method, headers: { ...headers } };
  if (route.method === "POST") {
    (init.headers as Record<string, string>)["content-type"] = route.path.startsWith("/api/") ? "application/json" : "application/x-www-form-urlencoded";
    // A well-formed body, so that an allowed caller reaches the handler and gets its real answer.
    init.body = route.path.startsWith("/api/") ? JSON.stringify({ operator_id: managerId, pin: "1234" }) : `_csrf=${CSRF}`;
  }
  return box.app.handle(new Request(ORIGIN + pathOf(route), init));
}

function cookie(session?: string): Record<string, string> {
  return { cookie: `tibox_csrf=${CSRF}${session ? `; tibox_session=${session}` : ""}` };
}

const operatorRoutes = ROUTES.filter((route) => route.access.kind === "operator");
const deviceRoutes = ROUTES.filter((route) => route.access.kind === "device");

describe("every operator route, every role", () => {
  test("the table covers the admin pages", () => {
    expect(operatorRoutes.length).toBeGreaterThanOrEqual(12);
    expect(deviceRoutes.length).toBeGreaterThanOrEqual(2);
  });

  for (const route of operatorRoutes) {
    const allowed = route.access.kind === "operator" ? route.access.roles : [];
    test(`${route.method} ${route.path}: no session is sent to log in`, async () => {
      const response = await call(route, cookie());
      expect(response.status).toBe(303);
      expect(response.headers.get("location")).toStartWith("/login");
    });
    for (const role of ROLES) {
      const expected = allowed.includes(role) ? "allowed" : "refused";
      test(`${route.method} ${route.path} as ${role}: ${expected}`, async () => {
        const response = await call(route, cookie(sessionFor(role)));
        if (expected === "refused") {
          expect(response.status).toBe(403);
        } else {
          expect([401, 403]).not.toContain(response.status);
          // Logging out ends at the login page; any other allowed route must not send there.
          if (route.path !== "/logout") expect(response.headers.get("location") ?? "").not.toStartWith("/login");
        }
      });
    }
  }
});

describe("every device route, every terminal kind", () => {
  for (const route of deviceRoutes) {
    const allowed = route.access.kind === "device" ? route.access.kinds : [];
    test(`${route.method} ${route.path}: no token is 401 unauthorized`, async () => {
      const response = await call(route, {});
      expect(response.status).toBe(401);
      expect(((await response.json()) as { code: string }).code).toBe("unauthorized");
    });
    test(`${route.method} ${route.path}: a bad token is 401`, async () => {
      const response = await call(route, { authorization: `Bearer ${"x".repeat(43)}` });
      expect(response.status).toBe(401);
    });
    test(`${route.method} ${route.path}: an operator's session cookie is not a device token`, async () => {
      const response = await call(route, cookie(sessionFor("admin")));
      expect(response.status).toBe(401);
    });
    for (const kind of TERMINAL_KINDS) {
      const expected = allowed.includes(kind) ? "allowed" : "forbidden";
      test(`${route.method} ${route.path} from a ${kind}: ${expected}`, async () => {
        const response = await call(route, { authorization: `Bearer ${deviceTokens.get(kind)}` });
        if (expected === "forbidden") {
          expect(response.status).toBe(403);
          expect(((await response.json()) as { code: string }).code).toBe("forbidden");
        } else {
          expect([401, 403]).not.toContain(response.status);
        }
      });
    }
  }

  test("a revoked terminal's token stops working at once", async () => {
    const { terminal, token } = box.auth.addTerminalSync("test", "till", "soon revoked");
    const route = deviceRoutes.find((candidate) => candidate.method === "GET")!;
    expect((await call(route, { authorization: `Bearer ${token}` })).status).toBe(200);
    box.auth.revokeTerminalSync("test", terminal.id);
    expect((await call(route, { authorization: `Bearer ${token}` })).status).toBe(401);
  });
});

describe("public and setup routes", () => {
  test("after setup, /setup sends everyone home and /healthz answers without a session", async () => {
    const setup = await box.app.handle(new Request(`${ORIGIN}/setup`));
    expect(setup.status).toBe(303);
    expect(setup.headers.get("location")).toBe("/");
    const health = await box.app.handle(new Request(`${ORIGIN}/healthz`));
    expect(health.status).toBe(200);
    expect(((await health.json()) as { setup: string }).setup).toBe("done");
  });
});

describe("every till page, every kind of terminal", () => {
  const tillRoutes = ROUTES.filter((route) => route.path === "/till" || route.path.startsWith("/till/"));
  const terminalCookie = (kind: TerminalKind) => ({ cookie: `tibox_csrf=${CSRF}; tibox_terminal=${deviceTokens.get(kind)}` });

  test("the table covers the till's pages", () => {
    expect(tillRoutes.length).toBeGreaterThanOrEqual(20);
  });

  for (const route of tillRoutes) {
    test(`${route.method} ${route.path}: no terminal is 401, a door or a reader 403, a locked till is sent to unlock`, async () => {
      expect((await call(route, cookie())).status).toBe(401);
      expect((await call(route, terminalCookie("door"))).status).toBe(403);
      expect((await call(route, terminalCookie("reader"))).status).toBe(403);
      const locked = await call(route, terminalCookie("till"));
      if (route.method === "GET") {
        expect(locked.status).toBe(303);
        expect(locked.headers.get("location")).toStartWith("/terminal?next=");
      } else {
        expect(locked.status).toBe(403);
      }
    });
  }
});
