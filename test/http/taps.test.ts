// Proves that a card tap reaches the page of the terminal its reader is bound to, over that
// terminal's event stream, and nowhere else: a box served in process by Bun.serve (as `serve`
// does, idle timeout lifted for the stream) with a fake clock for the 5-second lifetime, SSE
// read with fetch. Agents' retries are not doubled; a tap older than 5 s is not delivered to a
// page that connects late; an unbound reader's taps are dropped and the admin page says so; a
// till's own page (keyboard reader, Web NFC, simulation) and the signed simulator API deliver
// to that till. A real `tibox serve` child keeps a quiet stream open for 30 s (heartbeats) and
// still delivers a tap sent by `tibox tap` afterwards.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { openBox } from "../../src/app.ts";
import { bindReader, readerBinding } from "../../src/auth/index.ts";
import { FakeClock, SIGNING_CONTEXTS, toHex } from "../../src/kernel/index.ts";
import { fr } from "../../ui/i18n/fr.ts";
import { ADMIN, Client, setUp, tempFolder } from "../helpers/box.ts";
import { tillBox, type TillBox } from "../helpers/ledger.ts";
import { serveChild, tibox, type ServingChild } from "../helpers/process.ts";
import { SseClient } from "../helpers/sse.ts";

/** How long a test waits to conclude that a stream received nothing. */
const QUIET_MS = 300;

interface Till {
  readonly id: string;
  readonly token: string;
  readonly session: string;
}

function cookies(till: Till, csrf = ""): Record<string, string> {
  return { cookie: `tibox_terminal=${till.token}; tibox_session=${till.session}${csrf ? `; tibox_csrf=${csrf}` : ""}` };
}

describe("taps in process", () => {
  const clock = new FakeClock();
  const servers = new WeakMap<Request, { timeout(request: Request, seconds: number): void }>();
  let made: TillBox;
  let server: ReturnType<typeof Bun.serve>;
  let base = "";
  let tillA: Till;
  let tillB: Till;
  let agent: { id: string; token: string };
  let admin: Client;
  const streams: SseClient[] = [];
  let keyCounter = 0;

  async function openTill(name: string): Promise<Till> {
    const { terminal, token } = made.box.auth.addTerminalSync("test", "till", name);
    const operator = await made.box.auth.createOperator("test", { name: `Cashier of ${name}`, role: "cashier", pin: "2580" });
    const answer = await made.send("POST", "/api/v1/sessions", { token, json: { operator_id: operator.id, pin: "2580" } });
    expect(answer.status).toBe(201);
    return { id: terminal.id, token, session: (JSON.parse(answer.text) as { session_token: string }).session_token };
  }

  async function stream(till: Till): Promise<SseClient> {
    const client = await SseClient.open(`${base}/terminal/events`, cookies(till));
    expect(client.status).toBe(200);
    streams.push(client);
    await client.waitFor("the stream's first comment", () => client.comments.includes("connected"));
    return client;
  }

  function agentTap(uid: string, key = `tap-${++keyCounter}`, token = agent.token, extra: Record<string, unknown> = {}) {
    return fetch(`${base}/api/v1/taps`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": key },
      body: JSON.stringify({ uid, at_ms: clock.nowMs(), ...extra }),
    });
  }

  async function closeStreams(): Promise<void> {
    for (const client of streams.splice(0)) await client.close();
  }

  beforeAll(async () => {
    made = await tillBox({ clock, simulatedReaders: true, keepOpen: (request) => servers.get(request)?.timeout(request, 0) });
    server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: (request, bunServer) => {
        servers.set(request, bunServer);
        return made.box.app.fetch(request);
      },
    });
    base = `http://127.0.0.1:${server.port}`;
    tillA = await openTill("Bar A");
    tillB = await openTill("Entrée B");
    const added = made.box.auth.addTerminalSync("test", "reader", "Pi du bar");
    agent = { id: added.terminal.id, token: added.token };
    admin = new Client(made.box);
    expect((await admin.login(ADMIN.email, ADMIN.password)).status).toBe(303);
  });

  afterAll(async () => {
    await closeStreams();
    await server.stop(true);
    made.box.dispose();
  });

  test("an admin binds an agent's reader to a till; the binding is logged in the event log", async () => {
    const response = await admin.post("/admin/readers/bind", { reader_key: `agent:${agent.id}`, terminal_id: tillA.id });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("Lecteur associé à « Bar A ».");
    expect(readerBinding(made.box.sqlite, `agent:${agent.id}`)?.terminalId).toBe(tillA.id);
    const [record] = made.box.auth.listEvents({ kind: "config.reader_bound", rows: 5 });
    expect(record).toMatchObject({ kind: "config.reader_bound", subject: `reader:agent:${agent.id}`, detail: { terminal_id: tillA.id, terminal_name: "Bar A" } });
    const refused = await admin.post("/admin/readers/bind", { reader_key: `agent:${agent.id}`, terminal_id: agent.id });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain(fr["error.reader_target_invalid"]);
  });

  test("a tap reaches the bound terminal's stream once, and not another terminal's; a retry with the same key is not doubled", async () => {
    const [a, b] = [await stream(tillA), await stream(tillB)];
    const first = await agentTap("04a1b2c3d4e5f6", "agent-key-1");
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ status: "delivered", terminal_id: tillA.id });
    await a.waitFor("the tap on till A", () => a.events("tap").length === 1);
    const shown = a.events("tap")[0]!.data;
    expect(shown).toContain("Carte inconnue (UID se terminant par E5F6)");
    expect(shown).not.toContain("04A1B2C3D4E5F6");
    const retried = await agentTap("04a1b2c3d4e5f6", "agent-key-1");
    expect(await retried.json()).toEqual({ status: "duplicate" });
    await Bun.sleep(QUIET_MS);
    expect(a.events("tap").length).toBe(1);
    expect(b.events("tap")).toEqual([]);
    await closeStreams();
  });

  test("a known card shows its printed number and balances", async () => {
    const uid = "04C0FFEE";
    const topup = await made.send("POST", "/api/v1/wallet/topups", { token: made.till, key: "topup-known-card", session: made.cashier, json: { card_uid: uid, asset: "EUR", amount: 1250, method: "cash" } });
    expect(topup.status).toBe(201);
    const a = await stream(tillA);
    expect((await agentTap(uid)).status).toBe(202);
    await a.waitFor("the known card", () => a.events("tap").length === 1);
    const shown = a.events("tap")[0]!.data;
    expect(shown).toMatch(/Carte n° T\d{6}/);
    expect(shown).toMatch(/12,50\s€/);
    await closeStreams();
  });

  test("a tap waits 5 s at most for its terminal: delivered to a page that connects in time, never to one that connects late", async () => {
    expect(await (await agentTap("04000001")).json()).toMatchObject({ status: "pending" });
    clock.advance(4_000);
    const inTime = await stream(tillA);
    await inTime.waitFor("the pending tap", () => inTime.events("tap").length === 1);
    expect(inTime.events("tap")[0]!.data).toContain("0001");
    await closeStreams();

    expect(await (await agentTap("04000002")).json()).toMatchObject({ status: "pending" });
    clock.advance(5_001);
    const late = await stream(tillA);
    await Bun.sleep(QUIET_MS);
    expect(late.events("tap")).toEqual([]);
    expect(made.box.deps.taps.pendingFor(tillA.id)).toBeUndefined();
    await closeStreams();

    // An agent's tap that waited in its queue is counted from when the card touched the reader.
    expect(await (await agentTap("04000003", undefined, agent.token, { age_ms: 5_000 })).json()).toEqual({ status: "expired" });
  });

  test("an unbound reader's taps are dropped, and /admin/readers shows it", async () => {
    const lonely = made.box.auth.addTerminalSync("test", "reader", "Pi oublié");
    const a = await stream(tillA);
    const answer = await agentTap("04DEAD00", undefined, lonely.token);
    expect(await answer.json()).toEqual({ status: "unbound" });
    await Bun.sleep(QUIET_MS);
    expect(a.events("tap")).toEqual([]);
    const page = await (await admin.get("/admin/readers")).text();
    const row = page.slice(page.indexOf(`data-reader-key="agent:${lonely.terminal.id}"`));
    expect(row).toContain("Pi oublié");
    expect(row.slice(0, row.indexOf("</tr>"))).toContain("1 passage(s) ignoré(s) : lecteur associé à aucun terminal");
    await closeStreams();
  });

  test("the stream is for a paired, unlocked terminal only", async () => {
    expect((await SseClient.open(`${base}/terminal/events`)).status).toBe(401);
    const locked = await SseClient.open(`${base}/terminal/events`, { cookie: `tibox_terminal=${tillA.token}` });
    expect(locked.status).toBe(403);
    const elsewhere = await SseClient.open(`${base}/terminal/events`, { cookie: `tibox_terminal=${tillB.token}; tibox_session=${tillA.session}` });
    expect(elsewhere.status).toBe(403);
  });

  test("a till's own page posts taps (keyboard reader, Web NFC, simulation) that reach that till only", async () => {
    const [a, b] = [await stream(tillA), await stream(tillB)];
    const csrf = "k".repeat(43);
    const post = (till: Till, uid: string, source: string) =>
      fetch(`${base}/terminal/taps`, { method: "POST", headers: { ...cookies(till, csrf), "content-type": "application/json", "x-csrf-token": csrf }, body: JSON.stringify({ uid, source }) });
    expect((await post(tillB, "04:b1:b2:b3", "wedge")).status).toBe(204);
    expect((await post(tillB, "04B1B2B4", "webnfc")).status).toBe(204);
    expect((await post(tillB, "04B1B2B5", "sim")).status).toBe(204);
    expect((await post(tillB, "04B1B2", "wedge")).status).toBe(400);
    expect((await post(tillB, "04B1B2B6", "pcsc")).status).toBe(400);
    await b.waitFor("three taps on till B", () => b.events("tap").length === 3);
    await Bun.sleep(QUIET_MS);
    expect(a.events("tap")).toEqual([]);
    expect(b.events("tap").map((message) => /UID se terminant par (\w+)/.exec(message.data)?.[1])).toEqual(["B2B3", "B2B4", "B2B5"]);
    // Without the CSRF token, nothing is posted.
    const forged = await fetch(`${base}/terminal/taps`, { method: "POST", headers: { ...cookies(tillB, csrf), "content-type": "application/json" }, body: JSON.stringify({ uid: "04B1B2B7", source: "wedge" }) });
    expect(forged.status).toBe(403);
    await closeStreams();
  });

  test("the simulator API takes taps signed with the venue key only, once each", async () => {
    const a = await stream(tillA);
    const send = (payload: Record<string, unknown>, sign = true) => {
      const body = JSON.stringify(payload);
      const signature = sign ? toHex(made.box.signer.sign(SIGNING_CONTEXTS.simulatorTap, new TextEncoder().encode(body))) : "ab".repeat(64);
      return fetch(`${base}/api/v1/simulator/taps`, { method: "POST", headers: { "content-type": "application/json", "x-tibox-signature": signature }, body });
    };
    const tap = { uid: "04517000", terminal: "Bar A", at_ms: clock.nowMs(), nonce: "n-1" };
    expect(await (await send(tap)).json()).toMatchObject({ status: "delivered", terminal_id: tillA.id });
    expect(await (await send(tap)).json()).toEqual({ status: "duplicate" });
    expect((await send({ ...tap, nonce: "n-2" }, false)).status).toBe(401);
    expect((await send({ ...tap, nonce: "n-3", at_ms: clock.nowMs() - 60_000 })).status).toBe(401);
    expect((await send({ ...tap, nonce: "n-4", terminal: "nowhere" })).status).toBe(404);
    // A simulated reader routes by its binding, like a real one.
    expect(await (await send({ uid: "04517001", reader: "Caisse 2", at_ms: clock.nowMs(), nonce: "n-5" })).json()).toEqual({ status: "unbound" });
    made.box.writer.transact((tx) => bindReader(tx, made.box.signer, { readerKey: "sim:Caisse 2", terminalId: tillA.id, actor: "test" }));
    expect(await (await send({ uid: "04517002", reader: "Caisse 2", at_ms: clock.nowMs(), nonce: "n-6" })).json()).toEqual({ status: "delivered" });
    await a.waitFor("two simulated taps", () => a.events("tap").length === 2);
    expect(a.events("tap").map((message) => /par (\w+)/.exec(message.data)?.[1])).toEqual(["7000", "7002"]);
    await closeStreams();
  });

  test("the box's own PC/SC readers feed the hub: plugged state shown, taps routed by binding", async () => {
    const feed = made.box.deps.taps.listenerFor("pcsc");
    const name = "ACS ACR122U PICC Interface 00 00";
    feed({ type: "attached", readerName: name, atMs: clock.nowMs() });
    made.box.writer.transact((tx) => bindReader(tx, made.box.signer, { readerKey: `pcsc:${name}`, terminalId: tillB.id, actor: "test" }));
    const b = await stream(tillB);
    feed({ type: "tap", readerName: name, uid: "04ACA122", atMs: clock.nowMs() });
    await b.waitFor("the PC/SC tap", () => b.events("tap").length === 1);
    feed({ type: "error", readerName: name, code: "uid_unreadable", detail: "answer 6a 81", atMs: clock.nowMs() });
    const page = await (await admin.get("/admin/readers")).text();
    const row = page.slice(page.indexOf(`data-reader-key="pcsc:${name}"`));
    const cells = row.slice(0, row.indexOf("</tr>"));
    expect(cells).toContain(fr["readers.source_pcsc"]);
    expect(cells).toContain(fr["readers.state_attached"]);
    expect(cells).toContain("uid_unreadable (answer 6a 81)");
    await closeStreams();
  });
});

describe("simulation off", () => {
  test("the simulation button is absent, and page and API simulated taps are refused", async () => {
    const made = await tillBox();
    try {
      const headers = { cookie: `tibox_terminal=${made.till}; tibox_session=${made.cashier}; tibox_csrf=${"k".repeat(43)}`, "x-csrf-token": "k".repeat(43), "content-type": "application/json" };
      const page = await (await made.box.app.handle(new Request("http://localhost/terminal", { headers }))).text();
      expect(page).toContain('sse-connect="/terminal/events"');
      expect(page).not.toContain(fr["taps.simulate"]);
      const sim = await made.box.app.handle(new Request("http://localhost/terminal/taps", { method: "POST", headers, body: JSON.stringify({ uid: "04A1A2A3", source: "sim" }) }));
      expect(sim.status).toBe(403);
      const body = JSON.stringify({ uid: "04A1A2A3", terminal: "Bar", at_ms: made.box.deps.clock.nowMs(), nonce: "x" });
      const signature = toHex(made.box.signer.sign(SIGNING_CONTEXTS.simulatorTap, new TextEncoder().encode(body)));
      const api = await made.box.app.handle(new Request("http://localhost/api/v1/simulator/taps", { method: "POST", headers: { "content-type": "application/json", "x-tibox-signature": signature }, body }));
      expect(api.status).toBe(403);
      expect(((await api.json()) as { code: string }).code).toBe("simulation_disabled");
    } finally {
      made.box.dispose();
    }
  });
});

describe("a real tibox serve child", () => {
  let child: ServingChild;
  const folder = tempFolder("tibox-taps-");
  let till: Till;

  beforeAll(async () => {
    const box = openBox({ dataDir: folder.path });
    await setUp(box);
    const { terminal, token } = box.auth.addTerminalSync("test", "till", "Bar");
    const cashier = await box.auth.createOperator("test", { name: "Camille", role: "cashier", pin: "1357" });
    box.close();
    child = await serveChild(folder.path, ["--simulated-readers"]);
    const opened = await fetch(`${child.url}/api/v1/sessions`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ operator_id: cashier.id, pin: "1357" }) });
    expect(opened.status).toBe(201);
    till = { id: terminal.id, token, session: ((await opened.json()) as { session_token: string }).session_token };
  });

  afterAll(async () => {
    expect(await child.stop()).toBe(0);
    folder.remove();
  });

  test(
    "a quiet stream stays open through 30 s (heartbeats every 5 s), then a tap from `tibox tap` still arrives",
    async () => {
      const client = await SseClient.open(`${child.url}/terminal/events`, cookies(till));
      expect(client.status).toBe(200);
      await Bun.sleep(30_500);
      expect(client.closed).toBe(false);
      expect(client.comments.filter((comment) => comment === "heartbeat").length).toBeGreaterThanOrEqual(5);
      const port = new URL(child.url).port;
      const tapped = await tibox(["tap", "--data", folder.path, "--port", port, "--host", "127.0.0.1", "--terminal", "Bar", "--uid", "04:a1:b2:c3"]);
      expect(tapped.stderr).toBe("");
      expect(tapped.stdout.trim()).toBe("delivered");
      await client.waitFor("the tap after 30 s of quiet", () => client.events("tap").length === 1, 2_000);
      expect(client.events("tap")[0]!.data).toContain("B2C3");
      await client.close();
    },
    { timeout: 45_000 },
  );
});
