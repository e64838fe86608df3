// Proves the auth room's rules on a real database: password logins with lockout after repeated
// failures (per account and per address, held in SQLite), single-use pairing codes that expire
// after 10 minutes, PIN and staff-card unlocks limited by terminal kind, and that every one of
// these writes a record in the signed event log.
import { afterEach, describe, expect, test } from "bun:test";
import { AppError, FakeClock, limits } from "../../src/kernel/index.ts";
import { ADMIN, addOperator, setUp, testBox, type TestBox } from "../helpers/box.ts";

let box: TestBox;
afterEach(() => box?.dispose());

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
}

function kinds(): string[] {
  return box.sqlite.query<{ kind: string }, []>("SELECT kind FROM event_log ORDER BY seq").all().map((row) => row.kind);
}

describe("password login", () => {
  test("the right password opens a session; a wrong one is login_failed and logged", async () => {
    box = testBox();
    await setUp(box);
    expect(await codeOf(box.auth.loginWithPassword(ADMIN.email, "wrong password", "10.0.0.2"))).toBe("login_failed");
    expect(await codeOf(box.auth.loginWithPassword("nobody@example.org", ADMIN.password, "10.0.0.2"))).toBe("login_failed");
    const { session, operator } = await box.auth.loginWithPassword(` ${ADMIN.email.toUpperCase()} `, ADMIN.password, "10.0.0.2");
    expect(operator.role).toBe("admin");
    expect(box.auth.resolveSession(session.cookieValue)?.operatorId).toBe(operator.id);
    expect(kinds()).toEqual(["setup.completed", "login.failed", "login.failed", "login.succeeded"]);
  });

  test("five failures lock the account, even with the right password, until the lockout ends", async () => {
    const clock = new FakeClock();
    box = testBox({ clock });
    await setUp(box);
    for (let i = 0; i < limits.loginFailuresBeforeLockout; i++) {
      expect(await codeOf(box.auth.loginWithPassword(ADMIN.email, `wrong ${i}`, `10.0.0.${i}`))).toBe("login_failed");
    }
    expect(await codeOf(box.auth.loginWithPassword(ADMIN.email, ADMIN.password, "10.0.0.99"))).toBe("login_locked");
    clock.advance(limits.loginLockoutMs + 1);
    expect(await codeOf(box.auth.loginWithPassword(ADMIN.email, ADMIN.password, "10.0.0.99"))).toBe("ok");
    expect(kinds()).toContain("login.refused_locked");
  });

  test("one address guessing many accounts is locked out too", async () => {
    box = testBox();
    await setUp(box);
    for (let i = 0; i < limits.addressFailuresBeforeLockout; i++) await codeOf(box.auth.loginWithPassword(`user${i}@example.org`, "guess", "10.9.9.9"));
    expect(await codeOf(box.auth.loginWithPassword(ADMIN.email, ADMIN.password, "10.9.9.9"))).toBe("login_locked");
    expect(await codeOf(box.auth.loginWithPassword(ADMIN.email, ADMIN.password, "10.0.0.1"))).toBe("ok");
  });

  test("failures of one kind do not lock another kind, and a success clears its address's counter", async () => {
    box = testBox();
    await setUp(box);
    const cashier = await addOperator(box, "cashier", "Cam", { pin: "1234" });
    const till = box.auth.addTerminalSync("test", "till", "Bar").terminal;
    for (let i = 0; i < 3; i++) await codeOf(box.auth.loginWithPassword(`nobody${i}@example.org`, "guess", "10.1.1.1"));
    for (let i = 0; i < 3; i++) await codeOf(box.auth.claimPairingCodeGuarded(`0000000${i}`, "10.1.1.1"));
    for (let i = 0; i < 4; i++) expect(await codeOf(box.auth.unlockWithPin(till.id, cashier.id, "9999", "10.1.1.1"))).toBe("login_failed");
    expect(await codeOf(box.auth.unlockWithPin(till.id, cashier.id, "1234", "10.1.1.1"))).toBe("ok");
    const left = box.sqlite.query<{ key: string }, []>("SELECT key FROM login_throttle ORDER BY key").all().map((row) => row.key);
    expect(left).toEqual(["address:pairing:10.1.1.1", "address:password:10.1.1.1", ...[0, 1, 2].map((i) => `account:nobody${i}@example.org`)].sort());
  });

  test("a disabled operator cannot log in and loses their sessions", async () => {
    box = testBox();
    await setUp(box);
    const manager = await addOperator(box, "manager", "Max", { email: "max@example.org", password: "another password" });
    const { session } = await box.auth.loginWithPassword("max@example.org", "another password", "a");
    await box.auth.updateOperator("test", manager.id, { active: false });
    expect(box.auth.resolveSession(session.cookieValue)).toBeUndefined();
    expect(await codeOf(box.auth.loginWithPassword("max@example.org", "another password", "a"))).toBe("login_failed");
  });

  test("the last admin cannot be disabled or demoted", async () => {
    box = testBox();
    await setUp(box);
    const admin = box.auth.listOperators().find((operator) => operator.role === "admin")!;
    expect(await codeOf(box.auth.updateOperator("test", admin.id, { active: false }))).toBe("last_admin");
    expect(await codeOf(box.auth.updateOperator("test", admin.id, { role: "cashier" }))).toBe("last_admin");
  });

  test("operators need the credentials of their role", async () => {
    box = testBox();
    await setUp(box);
    expect(await codeOf(addOperator(box, "manager", "No Password", { email: "np@example.org" }))).toBe("credentials_required");
    expect(await codeOf(addOperator(box, "cashier", "No Pin", {}))).toBe("credentials_required");
    expect(await codeOf(addOperator(box, "cashier", "Bad Pin", { pin: "12" }))).toBe("pin_invalid");
    expect(await codeOf(addOperator(box, "cashier", "Bad Card", { staffCardUid: "XYZ" }))).toBe("card_uid_invalid");
    expect(await codeOf(addOperator(box, "manager", "Dup", { email: ADMIN.email, password: "long enough pass" }))).toBe("email_taken");
  });
});

describe("terminals and pairing", () => {
  test("a pairing code works once, and its token authenticates the device", async () => {
    box = testBox();
    await setUp(box);
    const { code } = await box.auth.createPairingCode("test", "till", "Bar");
    const paired = await box.auth.claimPairingCode(code, "10.0.0.5");
    expect(paired.terminal).toMatchObject({ kind: "till", name: "Bar" });
    expect(box.auth.authenticateTerminal(paired.token)?.id).toBe(paired.terminal.id);
    expect(await codeOf(box.auth.claimPairingCode(code, "10.0.0.5"))).toBe("pairing_code_invalid");
    expect(kinds()).toEqual(["setup.completed", "pairing.created", "terminal.paired"]);
  });

  test("a pairing code expires after 10 minutes", async () => {
    const clock = new FakeClock();
    box = testBox({ clock });
    await setUp(box);
    const { code } = await box.auth.createPairingCode("test", "door", "Entrée");
    clock.advance(limits.pairingCodeLifetimeMs + 1);
    expect(await codeOf(box.auth.claimPairingCode(code, "x"))).toBe("pairing_code_expired");
    expect(box.auth.listTerminals()).toEqual([]);
  });

  test("the store keeps only digests of tokens and codes", async () => {
    box = testBox();
    await setUp(box);
    const { token } = box.auth.addTerminalSync("test", "reader", "Pi");
    const { code } = await box.auth.createPairingCode("test", "till", "Bar");
    const dump = JSON.stringify(box.sqlite.query("SELECT * FROM terminals").all()) + JSON.stringify(box.sqlite.query("SELECT * FROM pairing_codes").all());
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(code);
  });

  test("PIN and staff-card unlocks follow the terminal's kind", async () => {
    box = testBox();
    await setUp(box);
    const cashier = await addOperator(box, "cashier", "Cam", { pin: "1234", staffCardUid: "04:a1:b2:c3" });
    const door = await addOperator(box, "door", "Dom", { pin: "5678" });
    const till = box.auth.addTerminalSync("test", "till", "Bar").terminal;
    const entrance = box.auth.addTerminalSync("test", "door", "Entrée").terminal;
    expect((await box.auth.unlockWithPin(till.id, cashier.id, "1234", "a")).operator.name).toBe("Cam");
    expect(await codeOf(box.auth.unlockWithPin(till.id, cashier.id, "9999", "a"))).toBe("login_failed");
    expect(await codeOf(box.auth.unlockWithPin(entrance.id, cashier.id, "1234", "a"))).toBe("login_failed");
    expect((await box.auth.unlockWithPin(entrance.id, door.id, "5678", "a")).operator.role).toBe("door");
    const byCard = await box.auth.unlockWithStaffCard(till.id, "04A1B2C3", "a");
    expect(byCard.operator.id).toBe(cashier.id);
    expect(box.auth.resolveSession(byCard.session.cookieValue)?.terminalId).toBe(till.id);
    expect(await codeOf(box.auth.unlockWithStaffCard(till.id, "DEADBEEF", "a"))).toBe("login_failed");
    box.auth.revokeTerminalSync("test", till.id);
    // Revoking the terminal ends the sessions opened on it.
    expect(box.auth.resolveSession(byCard.session.cookieValue)).toBeUndefined();
    expect(await codeOf(box.auth.unlockWithPin(till.id, cashier.id, "1234", "a"))).toBe("terminal_revoked");
  });
});
