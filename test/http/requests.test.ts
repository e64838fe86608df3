// Proves bad input gets a clear 4xx with a stable code and writes nothing, that no stack trace
// reaches a client, and that user-supplied strings (venue, operator and terminal names) are
// escaped on every page that shows them.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { limits } from "../../src/kernel/index.ts";
import { ADMIN, Client, ORIGIN, setUp, testBox, type TestBox } from "../helpers/box.ts";

const EVIL = `<script>alert("x")</script><img src=x onerror=alert(1)>`;
let box: TestBox;
let client: Client;
let deviceToken: string;

beforeAll(async () => {
  box = testBox();
  await setUp(box, `Asso ${EVIL}`);
  client = new Client(box);
  expect((await client.login()).status).toBe(303);
  deviceToken = box.auth.addTerminalSync("test", "till", `Till ${EVIL}`).token;
});
afterAll(() => box.dispose());

function writes(): number {
  return box.sqlite.query<{ n: number }, []>("SELECT (SELECT count(*) FROM event_log) + (SELECT count(*) FROM operators) + (SELECT count(*) FROM terminals) AS n").get()!.n;
}

describe("bad input", () => {
  test("malformed JSON is 400 malformed_json and writes nothing", async () => {
    const before = writes();
    const response = await box.app.handle(
      new Request(`${ORIGIN}/api/v1/sessions`, { method: "POST", headers: { authorization: `Bearer ${deviceToken}`, "content-type": "application/json" }, body: "{not json" }),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ code: "malformed_json", message: "the body is not valid JSON" });
    expect(writes()).toBe(before);
  });

  test("a JSON array or a wrong media type is refused with its code", async () => {
    const array = await client.request("POST", "/api/v1/pair", { json: [1, 2] });
    expect(array.status).toBe(400);
    expect(((await array.json()) as { code: string }).code).toBe("malformed_json");
    const xml = await box.app.handle(new Request(`${ORIGIN}/api/v1/pair`, { method: "POST", headers: { "content-type": "application/xml" }, body: "<a/>" }));
    expect(xml.status).toBe(415);
    expect(((await xml.json()) as { code: string }).code).toBe("unsupported_media_type");
  });

  test("an oversize body is 413 body_too_large and writes nothing", async () => {
    const before = writes();
    const big = "x".repeat(limits.requestBodyBytes + 10);
    const response = await client.request("POST", "/admin/operators", { form: { name: big, role: "cashier", pin: "1234" } });
    expect(response.status).toBe(413);
    expect(writes()).toBe(before);
  });

  test("an unknown route is a 404 page, or JSON under /api", async () => {
    const page = await client.get("/no/such/page");
    expect(page.status).toBe(404);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain("Cette page n'existe pas");
    const api = await client.get("/api/v1/no-such-route");
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ code: "not_found" });
  });

  test("a refused form shows its reason and writes nothing", async () => {
    const before = writes();
    const response = await client.post("/admin/operators", { name: "", role: "cashier", pin: "1234" });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Indiquez un nom."); // the French page translates name_required
    const badRole = await client.post("/admin/operators", { name: "Zed", role: "overlord", pin: "1234" });
    expect(badRole.status).toBe(400);
    expect(writes()).toBe(before);
  });

  test("a crash inside a handler is a 500 with a reference, never a stack trace", async () => {
    box.sqlite.run("ALTER TABLE event_log RENAME TO event_log_moved");
    try {
      const response = await client.get("/admin/events");
      expect(response.status).toBe(500);
      const body = await response.text();
      expect(body).toContain(response.headers.get("x-request-id")!);
      expect(body).not.toMatch(/at \S+ \(|\.ts:\d+|no such table|SQLITE/i);
      const api = await box.app.handle(new Request(`${ORIGIN}/admin/events`, { headers: { accept: "application/json", cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ") } }));
      expect(await api.json()).toMatchObject({ code: "internal_error" });
    } finally {
      box.sqlite.run("ALTER TABLE event_log_moved RENAME TO event_log");
    }
  });

  test("every response carries a request id", async () => {
    const response = await client.get("/healthz");
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9A-Z]{26}$/);
  });
});

/** Parses a page with a real HTML parser: the script elements, and any element with an on* handler or an img. */
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

const OUR_SCRIPTS = ["/assets/htmx.min.js", "/assets/app.js"];

describe("escaping", () => {
  test("names with markup render as text on every page that shows them", async () => {
    await box.auth.createOperator("test", { name: `Op ${EVIL}`, role: "cashier", pin: "4321" });
    for (const path of ["/admin", "/admin/operators", "/admin/terminals", "/admin/events", "/admin/venue"]) {
      const html = await (await client.get(path)).text();
      expect({ path, ...(await injected(html)) }).toEqual({ path, scripts: OUR_SCRIPTS, handlers: 0, images: 0 });
    }
    const operators = await (await client.get("/admin/operators")).text();
    expect(operators).toContain("Op &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
  });

  test("a login error does not echo markup from the email field", async () => {
    const anonymous = new Client(box);
    await anonymous.get("/login");
    const response = await anonymous.post("/login", { email: `"><script>alert(1)</script>`, password: "x" });
    expect(response.status).toBe(401);
    expect(await injected(await response.text())).toEqual({ scripts: OUR_SCRIPTS, handlers: 0, images: 0 });
  });
});

describe("login and logout", () => {
  test("logout ends the session on the box, not only in the browser", async () => {
    const other = new Client(box);
    await other.login(ADMIN.email, ADMIN.password);
    const cookie = other.cookies.get("tibox_session")!;
    expect((await other.post("/logout", {})).headers.get("location")).toBe("/login");
    const replay = await box.app.handle(new Request(`${ORIGIN}/admin`, { headers: { cookie: `tibox_session=${cookie}` } }));
    expect(replay.status).toBe(303);
    expect(replay.headers.get("location")).toStartWith("/login");
  });

  test("a cross-site form post is refused even with the right token", async () => {
    const csrf = client.cookies.get("tibox_csrf")!;
    const response = await box.app.handle(
      new Request(`${ORIGIN}/admin/terminals/pairing`, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          origin: "http://evil.example",
          cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
        },
        body: `_csrf=${csrf}&kind=till&name=Evil`,
      }),
    );
    expect(response.status).toBe(403);
    expect(box.sqlite.query("SELECT * FROM pairing_codes WHERE name = 'Evil'").all()).toEqual([]);
  });
});
