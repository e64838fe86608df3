/**
 * The auth room's services: each one validates, hashes secrets (async, outside the write
 * transaction), then writes through the single writer with its event-log record in the same
 * transaction, so a login, a pairing or a revocation is never recorded without its log line.
 */
import { fail, limits, type Clock, type IdFactory, type RandomSource, type Signer } from "../kernel/index.ts";
import type { Tx, Writer } from "../db/index.ts";
import { appendEvent, listEvents, type EventInput, type EventQuery } from "./eventlog.ts";
import {
  findOperator,
  findOperatorByEmail,
  findOperatorByStaffCard,
  insertOperator,
  listOperators,
  listPinOperators,
  normalizeCardUid,
  normalizeEmail,
  updateOperator,
  usesPassword,
  type Operator,
} from "./operators.ts";
import type { Role, TerminalKind } from "./schema.ts";
import { checkPasswordPolicy, checkPinPolicy, hashSecret, verifySecret } from "./secrets.ts";
import { insertSession, resolveSession, revokeOperatorSessions, revokeSession, type NewSession, type Session } from "./sessions.ts";
import {
  claimPairingCode,
  findTerminal,
  insertPairingCode,
  insertTerminal,
  listTerminals,
  renameTerminal,
  revokeTerminal,
  terminalByToken,
  touchTerminal,
  type Terminal,
} from "./terminals.ts";
import { clearFailures, lockedUntil, recordFailure } from "./throttle.ts";

export interface AuthDeps {
  readonly writer: Writer;
  readonly signer: Signer;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly newId: IdFactory;
}

export interface OperatorInput {
  readonly name: string;
  readonly email?: string | undefined;
  readonly role: Role;
  readonly password?: string | undefined;
  readonly pin?: string | undefined;
  readonly staffCardUid?: string | undefined;
}

export interface OperatorUpdate {
  readonly name?: string | undefined;
  readonly role?: Role | undefined;
  readonly active?: boolean | undefined;
  readonly password?: string | undefined;
  readonly pin?: string | undefined;
  readonly staffCardUid?: string | null | undefined;
}

/** Which operator roles may unlock which kind of terminal. */
const UNLOCK_ROLES: Record<TerminalKind, readonly Role[]> = {
  till: ["cashier", "manager", "admin"],
  door: ["door", "manager", "admin"],
  reader: [],
};

export type PublicOperator = Omit<Operator, "passwordHash" | "pinHash">;

export function publicOperator(operator: Operator): PublicOperator {
  const { passwordHash: _password, pinHash: _pin, ...rest } = operator;
  return rest;
}

export class AuthService {
  readonly #deps: AuthDeps;

  constructor(deps: AuthDeps) {
    this.#deps = deps;
  }

  get #orm() {
    return this.#deps.writer.orm;
  }

  /** Appends an event-log record alone (for rooms and commands that have no other write). */
  logEvent(event: EventInput): Promise<void> {
    return this.#deps.writer.submit((tx) => void appendEvent(tx, this.#deps.signer, event));
  }

  async #hashCredentials(input: { password?: string | undefined; pin?: string | undefined }) {
    if (input.password !== undefined) checkPasswordPolicy(input.password);
    if (input.pin !== undefined) checkPinPolicy(input.pin);
    return {
      passwordHash: input.password !== undefined ? await hashSecret(input.password) : undefined,
      pinHash: input.pin !== undefined ? await hashSecret(input.pin) : undefined,
    };
  }

  async createOperator(actor: string, input: OperatorInput): Promise<PublicOperator> {
    if (usesPassword(input.role) && !input.password) fail("credentials_required", "admins and managers need an email and a password");
    const hashes = await this.#hashCredentials(input);
    return this.#deps.writer.submit((tx) => {
      const operator = insertOperator(tx, this.#deps.newId, { ...input, ...hashes });
      appendEvent(tx, this.#deps.signer, {
        kind: "operator.created",
        actor,
        subject: `operator:${operator.id}`,
        detail: { role: operator.role, name: operator.name, email: operator.email },
      });
      return publicOperator(operator);
    });
  }

  async updateOperator(actor: string, id: string, input: OperatorUpdate): Promise<PublicOperator> {
    const hashes = await this.#hashCredentials(input);
    return this.#deps.writer.submit((tx) => {
      const operator = updateOperator(tx, id, { ...input, ...hashes });
      const changed = Object.entries(input)
        .filter(([, value]) => value !== undefined)
        .map(([key]) => key)
        .sort();
      if (input.password !== undefined || input.pin !== undefined || input.active === false || input.role !== undefined) {
        revokeOperatorSessions(tx, id);
      }
      appendEvent(tx, this.#deps.signer, { kind: "operator.updated", actor, subject: `operator:${id}`, detail: { changed } });
      return publicOperator(operator);
    });
  }

  /** Sets a new password for an admin or manager who forgot theirs (CLI `admin reset-password`). */
  resetPasswordSync(actor: string, email: string, passwordHash: string): PublicOperator {
    return this.#deps.writer.transact((tx) => {
      const operator = findOperatorByEmail(tx.orm, normalizeEmail(email));
      if (!operator) fail("operator_unknown", `no operator with email ${email}`);
      const updated = updateOperator(tx, operator.id, { passwordHash, active: true });
      revokeOperatorSessions(tx, operator.id);
      clearFailures(tx, `account:${updated.email}`);
      tx.sqlite.query("DELETE FROM login_throttle WHERE key LIKE 'address:password:%'").run();
      appendEvent(tx, this.#deps.signer, { kind: "operator.password_reset", actor, subject: `operator:${operator.id}`, detail: {} });
      return publicOperator(updated);
    });
  }

  listOperators(): PublicOperator[] {
    return listOperators(this.#orm).map(publicOperator);
  }

  findOperator(id: string): PublicOperator | undefined {
    const operator = findOperator(this.#orm, id);
    return operator ? publicOperator(operator) : undefined;
  }

  listUnlockableOperators(kind: TerminalKind) {
    return listPinOperators(this.#orm, UNLOCK_ROLES[kind]);
  }

  async loginWithPassword(email: string, password: string, address: string): Promise<{ session: NewSession; operator: PublicOperator }> {
    const cleanEmail = email.trim().toLowerCase().slice(0, limits.textFieldChars);
    const keys = [`account:${cleanEmail}`, `address:password:${address}`];
    await this.refuseIfLocked(keys, cleanEmail, address);
    const operator = cleanEmail ? findOperatorByEmail(this.#orm, cleanEmail) : undefined;
    const passwordOk = await verifySecret(password, operator?.passwordHash ?? null);
    if (!operator || !passwordOk || !operator.active || !usesPassword(operator.role)) {
      await this.recordFailedAttempt(keys, cleanEmail, address);
      fail("login_failed", "wrong email or password");
    }
    return this.#deps.writer.submit((tx) => {
      for (const key of keys) clearFailures(tx, key);
      const session = insertSession(tx, this.#deps.random, operator.id, null);
      appendEvent(tx, this.#deps.signer, { kind: "login.succeeded", actor: `operator:${operator.id}`, subject: "", detail: { method: "password", address } });
      return { session, operator: publicOperator(operator) };
    });
  }

  /** A cashier or door volunteer unlocks a paired terminal with their PIN. */
  async unlockWithPin(terminalId: string, operatorId: string, pin: string, address: string) {
    const terminal = this.#activeTerminal(terminalId);
    const keys = [`account:${operatorId}`, `address:pin:${address}`];
    await this.refuseIfLocked(keys, operatorId, address);
    const operator = findOperator(this.#orm, operatorId);
    const pinOk = await verifySecret(pin, operator?.pinHash ?? null);
    if (!operator || !pinOk || !operator.active || !UNLOCK_ROLES[terminal.kind].includes(operator.role)) {
      await this.recordFailedAttempt(keys, operatorId, address);
      fail("login_failed", "wrong PIN");
    }
    return this.#openTerminalSession(terminal, operator, "pin", address, keys);
  }

  /** Managers and admins who have a PIN: those who may approve a void or a refund at a till. */
  listApprovers() {
    return listPinOperators(this.#orm, ["manager", "admin"]);
  }

  /**
   * A manager approves one action at a terminal with their PIN, without opening a session there
   * (a void or a refund asked by a cashier). Counted against the same lockouts as a PIN unlock.
   */
  async approveWithPin(terminalId: string, operatorId: string, pin: string, address: string): Promise<PublicOperator> {
    this.#activeTerminal(terminalId);
    const keys = [`account:${operatorId}`, `address:pin:${address}`];
    await this.refuseIfLocked(keys, operatorId, address);
    const operator = findOperator(this.#orm, operatorId);
    const pinOk = await verifySecret(pin, operator?.pinHash ?? null);
    if (!operator || !pinOk || !operator.active || (operator.role !== "manager" && operator.role !== "admin")) {
      await this.recordFailedAttempt(keys, operatorId, address, "approval.failed");
      fail("approval_failed", "wrong manager or PIN");
    }
    await this.#deps.writer.submit((tx) => {
      for (const key of keys) clearFailures(tx, key);
      appendEvent(tx, this.#deps.signer, { kind: "approval.granted", actor: `operator:${operator.id}`, subject: `terminal:${terminalId}`, detail: { address } });
    });
    return publicOperator(operator);
  }

  /** A staff card tapped on a paired terminal unlocks it for its operator. */
  async unlockWithStaffCard(terminalId: string, cardUid: string, address: string) {
    const terminal = this.#activeTerminal(terminalId);
    const uid = normalizeCardUid(cardUid);
    const keys = [`address:card:${address}`];
    await this.refuseIfLocked(keys, `card:${uid}`, address);
    const operator = findOperatorByStaffCard(this.#orm, uid);
    if (!operator || !UNLOCK_ROLES[terminal.kind].includes(operator.role)) {
      await this.recordFailedAttempt(keys, `card:${uid}`, address);
      fail("login_failed", "this card is not a staff card for this terminal");
    }
    return this.#openTerminalSession(terminal, operator, "staff_card", address, keys);
  }

  #openTerminalSession(terminal: Terminal, operator: Operator, method: string, address: string, keys: readonly string[]) {
    return this.#deps.writer.submit((tx) => {
      clearFailures(tx, `account:${operator.id}`);
      for (const key of keys) clearFailures(tx, key);
      const session = insertSession(tx, this.#deps.random, operator.id, terminal.id);
      appendEvent(tx, this.#deps.signer, {
        kind: "login.succeeded",
        actor: `operator:${operator.id}`,
        subject: `terminal:${terminal.id}`,
        detail: { method, address },
      });
      return { session, operator: publicOperator(operator) };
    });
  }

  #activeTerminal(terminalId: string): Terminal {
    const terminal = findTerminal(this.#orm, terminalId);
    if (!terminal || terminal.revokedAtMs) fail("terminal_revoked", "this device is no longer paired");
    return terminal;
  }

  async refuseIfLocked(keys: readonly string[], account: string, address: string): Promise<void> {
    const until = lockedUntil(this.#orm, keys, this.#deps.clock.nowMs());
    if (until === undefined) return;
    await this.logEvent({ kind: "login.refused_locked", actor: "anonymous", subject: `account:${account}`, detail: { address } });
    fail("login_locked", "too many failed attempts; try again later", { retryAfterMs: until - this.#deps.clock.nowMs() });
  }

  recordFailedAttempt(keys: readonly string[], account: string, address: string, kind = "login.failed"): Promise<void> {
    return this.#deps.writer.submit((tx) => {
      const locked = recordFailure(tx, keys);
      appendEvent(tx, this.#deps.signer, { kind, actor: "anonymous", subject: `account:${account}`, detail: { address, locked } });
    });
  }

  resolveSession(cookieValue: string): Session | undefined {
    return resolveSession(this.#deps.writer.sqlite, cookieValue, this.#deps.clock.nowMs());
  }

  logout(cookieValue: string, session: Session): Promise<void> {
    return this.#deps.writer.submit((tx) => {
      revokeSession(tx, cookieValue);
      appendEvent(tx, this.#deps.signer, { kind: "logout", actor: `operator:${session.operatorId}`, subject: "", detail: {} });
    });
  }

  /** A terminal added from the CLI or the admin pages; the token is returned once. */
  addTerminalSync(actor: string, kind: TerminalKind, name: string) {
    return this.#deps.writer.transact((tx) => this.#addTerminal(tx, actor, kind, name));
  }

  addTerminal(actor: string, kind: TerminalKind, name: string) {
    return this.#deps.writer.submit((tx) => this.#addTerminal(tx, actor, kind, name));
  }

  #addTerminal(tx: Tx, actor: string, kind: TerminalKind, name: string) {
    const added = insertTerminal(tx, this.#deps.newId, this.#deps.random, kind, name, actor);
    appendEvent(tx, this.#deps.signer, { kind: "terminal.added", actor, subject: `terminal:${added.terminal.id}`, detail: { kind, name: added.terminal.name } });
    return added;
  }

  createPairingCode(actor: string, kind: TerminalKind, name: string) {
    return this.#deps.writer.submit((tx) => {
      const pairing = insertPairingCode(tx, this.#deps.random, kind, name, actor);
      appendEvent(tx, this.#deps.signer, { kind: "pairing.created", actor, subject: "", detail: { kind, name, expires_at_ms: pairing.expiresAtMs } });
      return pairing;
    });
  }

  claimPairingCode(code: string, address: string) {
    return this.#deps.writer.submit((tx) => {
      const paired = claimPairingCode(tx, this.#deps.newId, this.#deps.random, code);
      appendEvent(tx, this.#deps.signer, {
        kind: "terminal.paired",
        actor: `terminal:${paired.terminal.id}`,
        subject: `terminal:${paired.terminal.id}`,
        detail: { kind: paired.terminal.kind, name: paired.terminal.name, address },
      });
      return paired;
    });
  }

  authenticateTerminal(token: string): Terminal | undefined {
    return terminalByToken(this.#deps.writer.sqlite, token);
  }

  /** Refuses a pairing code guessed too often from one address (8 digits, 10 minutes). */
  async claimPairingCodeGuarded(code: string, address: string) {
    const keys = [`address:pairing:${address}`];
    await this.refuseIfLocked(keys, "pairing", address);
    try {
      return await this.claimPairingCode(code, address);
    } catch (error) {
      if (error instanceof Error && "code" in error && (error.code === "pairing_code_invalid" || error.code === "pairing_code_expired")) {
        await this.recordFailedAttempt(keys, "pairing", address, "pairing.failed");
      }
      throw error;
    }
  }

  /** Records that a terminal was seen, at most once a minute, so requests stay read-only. */
  noteTerminalSeen(terminal: Terminal): void {
    if (terminal.lastSeenAtMs !== null && this.#deps.clock.nowMs() - terminal.lastSeenAtMs < 60_000) return;
    this.#deps.writer.submit((tx) => touchTerminal(tx, terminal.id)).catch(() => undefined);
  }

  listTerminals(): Terminal[] {
    return listTerminals(this.#orm);
  }

  findTerminal(id: string): Terminal | undefined {
    return findTerminal(this.#orm, id);
  }

  renameTerminal(actor: string, id: string, name: string) {
    return this.#deps.writer.submit((tx) => {
      const terminal = renameTerminal(tx, id, name);
      appendEvent(tx, this.#deps.signer, { kind: "terminal.renamed", actor, subject: `terminal:${id}`, detail: { name: terminal.name } });
      return terminal;
    });
  }

  revokeTerminal(actor: string, id: string) {
    return this.#deps.writer.submit((tx) => this.#revokeTerminal(tx, actor, id));
  }

  revokeTerminalSync(actor: string, id: string) {
    return this.#deps.writer.transact((tx) => this.#revokeTerminal(tx, actor, id));
  }

  #revokeTerminal(tx: Tx, actor: string, id: string) {
    const terminal = revokeTerminal(tx, id);
    appendEvent(tx, this.#deps.signer, { kind: "terminal.revoked", actor, subject: `terminal:${id}`, detail: { name: terminal.name } });
    return terminal;
  }

  listEvents(query: EventQuery) {
    return listEvents(this.#deps.writer, query);
  }
}
