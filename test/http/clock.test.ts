// Proves the box's time rules end to end: when the wall clock is behind the last stamp, records
// keep the last stamp and every page warns; pages carry the box's time for the browser-side
// 5-minute skew warning; and the session-purge job removes expired sessions only.
import { describe, expect, test } from "bun:test";
import { insertSession } from "../../src/auth/index.ts";
import { startJobs } from "../../src/jobs/index.ts";
import { FakeClock, limits, silentLogger } from "../../src/kernel/index.ts";
import { Client, setUp, testBox } from "../helpers/box.ts";

describe("time", () => {
  test("a clock that went back: records keep the floor, pages show a warning", async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 20, 12));
    const box = testBox({ clock });
    try {
      await setUp(box);
      const floor = box.sqlite.query<{ at: number }, []>("SELECT max(at_ms) AS at FROM event_log").get()!.at;
      const client = new Client(box);
      expect(await (await client.get("/login")).text()).not.toContain("retarde");
      clock.set(Date.UTC(1970, 0, 1, 0, 5));
      await box.auth.logEvent({ kind: "test.after_reboot", actor: "system", subject: "", detail: {} });
      const stamped = box.sqlite.query<{ at: number }, []>("SELECT at_ms AS at FROM event_log WHERE kind = 'test.after_reboot'").get()!.at;
      expect(stamped).toBe(floor);
      const page = await (await client.get("/login")).text();
      expect(page).toContain("L'horloge de la box retarde sur sa dernière écriture");
      expect(page).toContain(`data-server-time-ms="${floor}"`);
    } finally {
      box.dispose();
    }
  });

  test("pages tell the browser the box's time and the warning bound", async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 20, 12));
    const box = testBox({ clock });
    try {
      const page = await (await new Client(box).get("/setup")).text();
      expect(page).toContain(`data-server-time-ms="${clock.nowMs()}"`);
      expect(page).toContain(`data-skew-ms="${limits.clockSkewWarningMs}"`);
      expect(page).toContain('id="clock-skew"');
    } finally {
      box.dispose();
    }
  });
});

describe("jobs", () => {
  test("the session purge removes expired sessions and keeps live ones", async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 20, 12));
    const box = testBox({ clock });
    try {
      await setUp(box);
      const adminId = box.auth.listOperators()[0]!.id;
      box.writer.transact((tx) => insertSession(tx, box.deps.random, adminId, null));
      clock.advance(limits.sessionLifetimeMs + 1);
      const live = box.writer.transact((tx) => insertSession(tx, box.deps.random, adminId, null));
      const jobs = startJobs({ writer: box.writer, clock, logger: silentLogger, timezone: "Europe/Paris" }, { paused: true });
      await jobs.runAll();
      jobs.stop();
      expect(box.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM sessions").get()!.n).toBe(1);
      expect(box.auth.resolveSession(live.cookieValue)?.operatorId).toBe(adminId);
    } finally {
      box.dispose();
    }
  });
});
