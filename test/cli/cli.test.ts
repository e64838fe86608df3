// Proves the CLI as users and scripts run it, in real child processes on real data folders:
// init then verify; verify names a tampered record (exit 1) and says when it cannot check
// (exit 2); a terminal added from the CLI beside a serving box works on it at once; many
// processes appending to the event log together never fork its chain; backup while serving,
// restore into a new folder, verify; reset-password; --help and version.
import { afterAll, describe, expect, test } from "bun:test";
import { openDatabase } from "../../src/db/index.ts";
import packageJson from "../../package.json" with { type: "json" };
import { tempFolder } from "../helpers/box.ts";
import { lastLine, serveChild, tibox } from "../helpers/process.ts";

const folders: Array<{ remove(): void }> = [];
afterAll(() => folders.forEach((folder) => folder.remove()));

function folder(): string {
  const made = tempFolder("tibox-cli-");
  folders.push(made);
  return made.path;
}

async function initialized(): Promise<string> {
  const data = folder();
  const run = await tibox(["init", "--data", data, "--venue", "Le Local", "--admin-email", "boss@example.org", "--admin-password", "a strong password"]);
  expect(run.code).toBe(0);
  return data;
}

describe("init and verify", () => {
  test("init sets the box up and verify finds it sound", async () => {
    const data = await initialized();
    const verify = await tibox(["verify", "--data", data]);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain("event log: 1 records");
    expect(lastLine(verify.stdout)).toBe("sound");
    const again = await tibox(["init", "--data", data, "--venue", "Other", "--admin-email", "x@example.org", "--admin-password", "a strong password"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already_set_up");
  });

  test("verify names an edited record and exits 1", async () => {
    const data = await initialized();
    await tibox(["terminal", "add", "--data", data, "--kind", "till", "--name", "Bar"]);
    const sqlite = openDatabase(`${data}/tibox.db`);
    sqlite.run("DROP TRIGGER event_log_no_update");
    sqlite.run("UPDATE event_log SET detail = '{\"kind\":\"door\",\"name\":\"Bar\"}' WHERE seq = 2");
    sqlite.close();
    const verify = await tibox(["verify", "--data", data]);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain("FAULT event log record 2: hash does not match its content (edited)");
  });

  test("verify names a removed record, and a venue key that is not the venue's", async () => {
    const data = await initialized();
    for (const name of ["A", "B"]) await tibox(["terminal", "add", "--data", data, "--kind", "door", "--name", name]);
    const sqlite = openDatabase(`${data}/tibox.db`);
    sqlite.run("DROP TRIGGER event_log_no_delete");
    sqlite.run("DELETE FROM event_log WHERE seq = 2");
    sqlite.close();
    const gap = await tibox(["verify", "--data", data, "--json"]);
    expect(gap.code).toBe(1);
    expect(JSON.parse(gap.stdout)).toMatchObject({ status: "fault", fault: "event log record 3: expected sequence 2 (a record is missing)" });

    const other = await initialized();
    await Bun.write(`${other}/keys/venue.key`, await Bun.file(`${data}/keys/venue.key`).text());
    const wrongKey = await tibox(["verify", "--data", other]);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stdout).toContain("is not the key of venue");
  });

  test("verify exits 2 when there is nothing it can read", async () => {
    const verify = await tibox(["verify", "--data", folder()]);
    expect(verify.code).toBe(2);
    expect(verify.stdout).toContain("UNABLE no database");
  });
});

describe("beside a serving box", () => {
  test("a terminal added by the CLI works on the running box at once", async () => {
    const data = await initialized();
    const box = await serveChild(data);
    try {
      const added = await tibox(["terminal", "add", "--data", data, "--kind", "door", "--name", "Entrée"]);
      expect(added.code).toBe(0);
      const token = lastLine(added.stdout);
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const response = await fetch(`${box.url}/api/v1/terminal`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ terminal: { kind: "door", name: "Entrée" } });
    } finally {
      expect(await box.stop()).toBe(0);
    }
  });

  test("the box and six CLI processes appending at once never fork the event-log chain", async () => {
    const data = await initialized();
    const box = await serveChild(data);
    let appendsByBox = 0;
    try {
      // The CLI processes add terminals while the box keeps appending: each refused pairing
      // request writes exactly one record (a failure, or a refusal once the address is locked).
      let cliDone = false;
      const cli = Promise.all(Array.from({ length: 6 }, (_, n) => tibox(["terminal", "add", "--data", data, "--kind", "till", "--name", `Till ${n}`]))).finally(() => {
        cliDone = true;
      });
      let boxAppends = 0;
      while (!cliDone && boxAppends < 2000) {
        const batch = await Promise.all(
          Array.from({ length: 4 }, () => fetch(`${box.url}/api/v1/pair`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"code":"00000000"}' })),
        );
        boxAppends += batch.filter((response) => response.status === 400 || response.status === 429).length;
      }
      const runs = await cli;
      appendsByBox = boxAppends;
      console.log(`box appended ${boxAppends} records while 6 CLI processes appended`);
      expect(runs.map((run) => run.code)).toEqual([0, 0, 0, 0, 0, 0]);
    } finally {
      expect(await box.stop()).toBe(0);
    }
    const verify = await tibox(["verify", "--data", data, "--json"]);
    expect(verify.code).toBe(0);
    const sqlite = openDatabase(`${data}/tibox.db`);
    const { n, top } = sqlite.query<{ n: number; top: number }, []>("SELECT count(*) AS n, max(seq) AS top FROM event_log").get()!;
    const added = sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM event_log WHERE kind = 'terminal.added'").get()!.n;
    // The CLI's records landed among the box's, not after them: the appends truly interleaved.
    const firstCli = sqlite.query<{ seq: number }, []>("SELECT min(seq) AS seq FROM event_log WHERE kind = 'terminal.added'").get()!.seq;
    const lastBox = sqlite.query<{ seq: number }, []>("SELECT max(seq) AS seq FROM event_log WHERE kind IN ('pairing.failed', 'login.refused_locked')").get()!.seq;
    sqlite.close();
    expect(top).toBe(n);
    expect(added).toBe(6);
    expect(appendsByBox).toBeGreaterThan(20);
    expect(n).toBe(1 + 6 + appendsByBox);
    expect(firstCli).toBeLessThan(lastBox);
    // Seven processes start on two shared cores: 5 s (the default) is too tight under load.
  }, 30_000);

  test("a backup taken while serving restores into a new folder that verify accepts", async () => {
    const data = await initialized();
    const box = await serveChild(data);
    const backups = folder();
    let file = "";
    try {
      const backup = await tibox(["backup", "--data", data, "--to", backups]);
      expect(backup.code).toBe(0);
      file = lastLine(backup.stdout);
      expect(file).toEndWith(".tibox");
      expect((await Bun.file(file).stat()).mode & 0o777).toBe(0o600);
    } finally {
      await box.stop();
    }
    const restored = folder();
    const restore = await tibox(["restore", "--from", file, "--data", restored]);
    expect(restore.code).toBe(0);
    expect((await Bun.file(`${restored}/keys/venue.key`).stat()).mode & 0o777).toBe(0o600);
    expect((await tibox(["verify", "--data", restored])).code).toBe(0);
    const refused = await tibox(["restore", "--from", file, "--data", restored]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("exists");
    const notBackup = await tibox(["restore", "--from", `${restored}/keys/venue.key`, "--data", folder()]);
    expect(notBackup.code).toBe(1);
  });
});

describe("demo", () => {
  test("demo seeds a venue with operators and terminals, serves it, and logs its admin in", async () => {
    const data = folder();
    const demo = await serveChild(data, [], "demo");
    try {
      const health = (await (await fetch(`${demo.url}/healthz`)).json()) as { setup: string };
      expect(health.setup).toBe("done");
      const page = await fetch(`${demo.url}/login`);
      const csrf = /tibox_csrf=([^;]+)/.exec(page.headers.get("set-cookie") ?? "")![1]!;
      const login = await fetch(`${demo.url}/login`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: `tibox_csrf=${csrf}` },
        body: new URLSearchParams({ _csrf: csrf, email: "admin@demo.tibox", password: "demo-admin-2026" }).toString(),
      });
      expect(login.status).toBe(303);
    } finally {
      expect(await demo.stop()).toBe(0);
    }
    const list = await tibox(["terminal", "list", "--data", data]);
    expect(list.stdout.trim().split("\n").map((line) => line.split("\t")[1])).toEqual(["till", "door", "reader"]);
    expect((await tibox(["verify", "--data", data])).code).toBe(0);
  });
});

describe("admin and help", () => {
  test("reset-password prints a new password that logs in; the old one no longer does", async () => {
    const data = await initialized();
    const reset = await tibox(["admin", "reset-password", "--data", data, "--email", "BOSS@example.org"]);
    expect(reset.code).toBe(0);
    const password = lastLine(reset.stdout);
    expect(password.length).toBeGreaterThanOrEqual(16);
    const box = await serveChild(data);
    try {
      const login = async (secret: string) => {
        const page = await fetch(`${box.url}/login`);
        const csrf = /tibox_csrf=([^;]+)/.exec(page.headers.get("set-cookie") ?? "")![1]!;
        const response = await fetch(`${box.url}/login`, {
          method: "POST",
          redirect: "manual",
          headers: { "content-type": "application/x-www-form-urlencoded", cookie: `tibox_csrf=${csrf}` },
          body: new URLSearchParams({ _csrf: csrf, email: "boss@example.org", password: secret }).toString(),
        });
        return response.status;
      };
      expect(await login("a strong password")).toBe(401);
      expect(await login(password)).toBe(303);
    } finally {
      await box.stop();
    }
    const unknown = await tibox(["admin", "reset-password", "--data", data, "--email", "nobody@example.org"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("operator_unknown");
  });

  test("--help names every command and the defaults; version prints the package version", async () => {
    const help = await tibox(["--help"]);
    expect(help.code).toBe(0);
    for (const word of ["serve", "init", "verify", "demo", "terminal add", "admin reset-password", "backup", "restore", "version", "--data", "--port", "--host", "TIBOX_PORT", "8080"]) {
      expect(help.stdout).toContain(word);
    }
    expect((await tibox(["version"])).stdout.trim()).toBe(packageJson.version);
    const bad = await tibox(["frobnicate"]);
    expect(bad.code).toBe(2);
    const missing = await tibox(["terminal", "add", "--data", folder(), "--kind"]);
    expect(missing.code).toBe(2);
  });
});
