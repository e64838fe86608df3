// Proves the PC/SC reader works inside the compiled binary, whose Worker must have been bundled
// as an extra entrypoint (deploy/build.ts): the x64 binary is built, copied alone into a folder,
// served on a data folder whose reader "Virtual PCD 00 00" is bound to a till, and pointed at a
// private pcscd (PCSCLITE_CSOCK_NAME); a virtual card put on the reader shows on the till's
// event stream. Without pcscd/vpcd: skipped locally with the reason, a failure under CI.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { binaryName, compile } from "../../deploy/build.ts";
import { openBox } from "../../src/app.ts";
import { bindReader } from "../../src/auth/index.ts";
import { setUp, tempFolder } from "../helpers/box.ts";
import { pcscTestsSkipped, releaseSharedPcscd, sharedPcscd, type PrivatePcscd } from "../helpers/pcscd.ts";
import { freePort } from "../helpers/process.ts";
import { SseClient } from "../helpers/sse.ts";
import { VirtualCard } from "../helpers/vpcd-card.ts";

const HEALTHY_TIMEOUT_MS = 10_000;

describe.skipIf(pcscTestsSkipped())("PC/SC in the compiled binary", () => {
  const folder = tempFolder("tibox-pcsc-bin-");
  const binary = join(folder.path, binaryName("x64"));
  const data = join(folder.path, "data");
  let pcscd: PrivatePcscd;
  let child: Bun.Subprocess<"ignore", "pipe", "pipe"> | undefined;
  const logs: string[] = [];
  let tillCookie = "";
  let url = "";

  beforeAll(async () => {
    const built = join(folder.path, "build", binaryName("x64"));
    compile("x64", built);
    copyFileSync(built, binary);
    pcscd = await sharedPcscd();
    const made = openBox({ dataDir: data });
    await setUp(made);
    const till = made.auth.addTerminalSync("test", "till", "Bar");
    const cashier = await made.auth.createOperator("test", { name: "Camille", role: "cashier", pin: "1357" });
    made.writer.transact((tx) => bindReader(tx, made.signer, { readerKey: `pcsc:${pcscd.readerNames[0]}`, terminalId: till.terminal.id, actor: "test" }));
    made.close();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const env = { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("TIBOX_"))), PCSCLITE_CSOCK_NAME: pcscd.socketPath };
    child = Bun.spawn([binary, "serve", "--data", data, "--host", "127.0.0.1", "--port", String(port), "--https-port", "0"], { cwd: folder.path, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    void (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of child!.stdout) logs.push(...decoder.decode(chunk, { stream: true }).split("\n").filter(Boolean));
    })();
    const deadline = performance.now() + HEALTHY_TIMEOUT_MS;
    while (!(await fetch(`${url}/healthz`).then((response) => response.ok, () => false))) {
      if (child.exitCode !== null || performance.now() > deadline) throw new Error(`the binary did not serve:\n${await new Response(child.stderr).text()}`);
      await Bun.sleep(25);
    }
    const opened = await fetch(`${url}/api/v1/sessions`, { method: "POST", headers: { authorization: `Bearer ${till.token}`, "content-type": "application/json" }, body: JSON.stringify({ operator_id: cashier.id, pin: "1357" }) });
    expect(opened.status).toBe(201);
    tillCookie = `tibox_terminal=${till.token}; tibox_session=${((await opened.json()) as { session_token: string }).session_token}`;
  }, 120_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill("SIGTERM");
      await child.exited;
    }
    await releaseSharedPcscd();
    folder.remove();
  });

  test("the binary's PC/SC worker sees the reader, and a card on it reaches the bound till", async () => {
    const deadline = performance.now() + 5_000;
    while (!logs.some((line) => line.includes('"nfc reader attached"') && line.includes(pcscd.readerNames[0]))) {
      if (performance.now() > deadline) throw new Error(`no reader attached:\n${logs.join("\n")}`);
      await Bun.sleep(25);
    }
    expect(logs.join("\n")).not.toContain("ModuleNotFound");
    const stream = await SseClient.open(`${url}/terminal/events`, { cookie: tillCookie });
    expect(stream.status).toBe(200);
    const card = new VirtualCard({ port: pcscd.port });
    await card.insert("04B1AA2B3C4D5E");
    try {
      await stream.waitFor("the tap from the virtual card", () => stream.events("tap").length === 1);
      expect(stream.events("tap")[0]!.data).toContain("UID se terminant par 4D5E");
      expect(card.apdus).toContain("FFCA000000");
    } finally {
      card.remove();
      await stream.close();
    }
  });
});
