// Proves the remote reader agent (`tibox reader`) forwards taps to the box and recovers by
// itself: real processes, a `tibox serve` child and a `tibox reader --simulated` child fed
// UIDs on its standard input, the till's event stream read with fetch. The box is killed and
// restarted on the same port: a tap made during the outage still arrives (within its 5 s), and
// later taps too. Over HTTPS the agent trusts the box's own CA by its fingerprint, and refuses
// a wrong one. In process, the forwarder keeps one Idempotency-Key across retries of a tap and
// drops a tap that could not be sent within 5 s.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AGENT_TAP_LIFETIME_MS, TapForwarder, certificateFingerprint } from "../../hardware/nfc/agent.ts";
import { openBox } from "../../src/app.ts";
import { bindReader } from "../../src/auth/index.ts";
import { dataDir } from "../../src/db/index.ts";
import { FakeClock } from "../../src/kernel/index.ts";
import { setUp, tempFolder } from "../helpers/box.ts";
import { freePort, MAIN, serveChild, type ServingChild } from "../helpers/process.ts";
import { SseClient } from "../helpers/sse.ts";

interface Agent {
  readonly child: Bun.Subprocess<"pipe", "pipe", "pipe">;
  readonly logs: string[];
  tap(line: string): void;
  stop(): Promise<number>;
}

function startAgent(args: readonly string[]): Agent {
  const child = Bun.spawn([process.execPath, MAIN, "reader", ...args], { stdin: "pipe", stdout: "pipe", stderr: "pipe" });
  const logs: string[] = [];
  const keep = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) logs.push(...decoder.decode(chunk, { stream: true }).split("\n").filter(Boolean));
  };
  void keep(child.stdout);
  void keep(child.stderr);
  return {
    child,
    logs,
    tap(line) {
      child.stdin.write(`${line}\n`);
      child.stdin.flush();
    },
    async stop() {
      child.kill("SIGTERM");
      return child.exited;
    },
  };
}

async function waitForLog(agent: Agent, text: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!agent.logs.some((line) => line.includes(text))) {
    if (performance.now() > deadline) throw new Error(`the agent never logged "${text}":\n${agent.logs.join("\n")}`);
    if (agent.child.exitCode !== null) throw new Error(`the agent exited with ${agent.child.exitCode}:\n${agent.logs.join("\n")}`);
    await Bun.sleep(25);
  }
}

describe("tibox reader, against a real box", () => {
  const folder = tempFolder("tibox-agent-");
  let readerToken = "";
  let tillCookie = "";
  let box: ServingChild | undefined;
  let port = 0;
  let httpsPort = 0;
  const agents: Agent[] = [];

  async function openStream(url: string): Promise<SseClient> {
    const client = await SseClient.open(`${url}/terminal/events`, { cookie: tillCookie });
    expect(client.status).toBe(200);
    await client.waitFor("connected", () => client.comments.includes("connected"));
    return client;
  }

  beforeAll(async () => {
    const made = openBox({ dataDir: folder.path });
    await setUp(made);
    const till = made.auth.addTerminalSync("test", "till", "Bar");
    const reader = made.auth.addTerminalSync("test", "reader", "Pi du bar");
    const cashier = await made.auth.createOperator("test", { name: "Camille", role: "cashier", pin: "1357" });
    made.writer.transact((tx) => bindReader(tx, made.signer, { readerKey: `agent:${reader.terminal.id}`, terminalId: till.terminal.id, actor: "test" }));
    made.close();
    readerToken = reader.token;
    [port, httpsPort] = [await freePort(), await freePort()];
    box = await serveChild(folder.path, ["--https-port", String(httpsPort), "--nfc-readers", "off"], "serve", port);
    const opened = await fetch(`${box.url}/api/v1/sessions`, { method: "POST", headers: { authorization: `Bearer ${till.token}`, "content-type": "application/json" }, body: JSON.stringify({ operator_id: cashier.id, pin: "1357" }) });
    expect(opened.status).toBe(201);
    tillCookie = `tibox_terminal=${till.token}; tibox_session=${((await opened.json()) as { session_token: string }).session_token}`;
  });

  afterAll(async () => {
    for (const agent of agents) await agent.stop();
    await box?.stop();
    folder.remove();
  });

  test(
    "forwards taps, and resumes by itself when the box is killed and restarted",
    async () => {
      const agent = startAgent(["--server", box!.url, "--token", readerToken, "--simulated"]);
      agents.push(agent);
      await waitForLog(agent, "reader agent running");
      let stream = await openStream(box!.url);
      agent.tap("04a1b2c3");
      await stream.waitFor("the first tap", () => stream.events("tap").length === 1);
      expect(stream.events("tap")[0]!.data).toContain("B2C3");
      await stream.close();

      box!.process.kill("SIGKILL");
      await box!.process.exited;
      agent.tap("04A1B2C4");
      await waitForLog(agent, "box unreachable, retrying");
      box = await serveChild(folder.path, ["--https-port", String(httpsPort), "--nfc-readers", "off"], "serve", port);
      stream = await openStream(box.url);
      // Made while the box was down: sent when it came back, within the tap's 5 s.
      await stream.waitFor("the tap made during the outage", () => stream.events("tap").length === 1, AGENT_TAP_LIFETIME_MS);
      expect(stream.events("tap")[0]!.data).toContain("B2C4");
      await waitForLog(agent, "box reachable");
      agent.tap("04A1B2C5");
      await stream.waitFor("a tap after the restart", () => stream.events("tap").length === 2);
      expect(stream.events("tap")[1]!.data).toContain("B2C5");
      await stream.close();
      expect(await agent.stop()).toBe(0);
      expect(agent.logs.some((line) => line.includes('"taps_sent":3'))).toBe(true);
    },
    { timeout: 30_000 },
  );

  test("over HTTPS, trusts the box's own CA by its fingerprint, and refuses a wrong fingerprint", async () => {
    const fingerprint = await certificateFingerprint(readFileSync(join(dataDir(folder.path).tlsDir, "ca.crt"), "utf8"));
    const server = `https://127.0.0.1:${httpsPort}`;
    const wrong = startAgent(["--server", server, "--token", readerToken, "--simulated", "--fingerprint", "AB".repeat(32)]);
    expect(await wrong.child.exited).toBe(1);
    expect(wrong.logs.join("\n")).toContain(`the box's CA fingerprint is ${fingerprint}, not the one given`);

    const agent = startAgent(["--server", server, "--token", readerToken, "--simulated", "--fingerprint", fingerprint.toLowerCase()]);
    agents.push(agent);
    await waitForLog(agent, "reader agent running");
    const stream = await openStream(box!.url);
    agent.tap("04:0A:0B:0C");
    await stream.waitFor("the tap over HTTPS", () => stream.events("tap").length === 1);
    expect(stream.events("tap")[0]!.data).toContain("0B0C");
    await stream.close();
  });

  test("a token that is not a reader's is refused at start", async () => {
    const agent = startAgent(["--server", box!.url, "--token", "x".repeat(43), "--simulated"]);
    expect(await agent.child.exited).toBe(1);
    expect(agent.logs.join("\n")).toContain("the box refused this token");
  });
});

describe("TapForwarder", () => {
  test("a retried tap keeps its Idempotency-Key; a tap not sent within 5 s is dropped", async () => {
    const clock = new FakeClock();
    const seen: Array<{ key: string | null; body: Record<string, unknown> }> = [];
    let failures = 1;
    const server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      async fetch(request) {
        seen.push({ key: request.headers.get("idempotency-key"), body: (await request.json()) as Record<string, unknown> });
        if (failures-- > 0) return new Response("busy", { status: 503 });
        return Response.json({ status: "delivered" }, { status: 202 });
      },
    });
    let n = 0;
    const forwarder = new TapForwarder({ server: `http://127.0.0.1:${server.port}`, token: "t".repeat(43), clock, newKey: () => `key-${++n}`, sendReaderNames: false, minBackoffMs: 10, maxBackoffMs: 20 });
    try {
      forwarder.start();
      forwarder.listener({ type: "tap", readerName: "r", uid: "04A1B2C3", atMs: clock.nowMs() });
      for (let i = 0; i < 100 && forwarder.sentTaps < 1; i++) await Bun.sleep(10);
      expect(forwarder.sentTaps).toBe(1);
      expect(seen.map((request) => request.key)).toEqual(["key-1", "key-1"]);
      expect(seen[0]!.body).toMatchObject({ uid: "04A1B2C3", at_ms: clock.nowMs(), age_ms: 0 });
      expect(seen[0]!.body.reader).toBeUndefined();

      // The box refuses for longer than the tap's lifetime: the tap is dropped, not sent late.
      failures = 1_000;
      forwarder.listener({ type: "tap", readerName: "r", uid: "04A1B2C4", atMs: clock.nowMs() });
      for (let i = 0; i < 100 && seen.length < 4; i++) await Bun.sleep(10);
      clock.advance(AGENT_TAP_LIFETIME_MS);
      for (let i = 0; i < 100 && forwarder.queued > 0; i++) await Bun.sleep(10);
      expect(forwarder.queued).toBe(0);
      expect(forwarder.sentTaps).toBe(1);
    } finally {
      await forwarder.stop();
      await server.stop(true);
    }
  });
});
