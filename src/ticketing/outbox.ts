/**
 * The e-mail outbox (table email_outbox). A mail is written in the transaction that causes it (an
 * order paid, a place freed for the waiting list), so it exists exactly when its cause does; a
 * job (src/jobs/mail-sender.ts) sends it later through the SMTP port. Sending is at least once:
 * each attempt is claimed first (attempts + 1 and the next attempt pushed back by the backoff, in
 * one transaction), so a box that stops in the middle of a send tries again after the backoff and
 * never loses the mail; a mail marked sent is never picked again. After OUTBOX_LIMITS.maxAttempts
 * failed attempts the mail is `failed`; the admin can queue it again.
 *
 * While SMTP is not configured (ticketing_settings.smtp_url empty) nothing is claimed: mails stay
 * queued, and the UI says tickets are shown and printed only.
 */
import { fail, type IdFactory } from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";

export const OUTBOX_LIMITS = {
  addressChars: 254,
  subjectChars: 200,
  textChars: 100_000,
  htmlChars: 300_000,
  kindChars: 40,
  /** Attempts before a mail is marked failed. */
  maxAttempts: 6,
  /** First retry after a failed attempt, doubled after each, up to the cap (1 min, 2, 4, 8, 16, 32). */
  retryBaseMs: 60_000,
  retryCapMs: 3_600_000,
  /** Mails one pass of the sender claims. */
  batchMails: 20,
  /** Rows on the admin outbox page. */
  pageRows: 100,
  /** Characters of an SMTP error kept in last_error. */
  errorChars: 500,
  /** Sent and failed mails are kept this long for the outbox page, then deleted: they hold addresses and names. */
  keepMs: 90 * 86_400_000,
  /** Mails one purge deletes (the nightly job comes back the next night for the rest). */
  purgeBatch: 10_000,
} as const;

export type OutboxState = "queued" | "sent" | "failed";

export interface OutboxMail {
  readonly id: string;
  readonly toAddress: string;
  readonly subject: string;
  readonly textBody: string;
  readonly htmlBody: string | null;
  readonly kind: string;
  readonly refId: string | null;
  readonly state: OutboxState;
  readonly attempts: number;
  readonly nextAttemptMs: number;
  readonly lastError: string | null;
  readonly createdAtMs: number;
  readonly sentAtMs: number | null;
}

export interface NewEmail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html?: string | undefined;
  /** What it is about ("order_tickets", "waiting_list"), and the id of that thing. */
  readonly kind: string;
  readonly refId: string | null;
}

/**
 * An e-mail address as people type it: one @, no spaces or angle brackets, a dot in the domain.
 * Deliberately simple (RFC 5322 allows far more); the SMTP server has the last word.
 */
const EMAIL_PATTERN = /^[^\s@<>(),;:"\\[\]]+@[^\s@<>(),;:"\\[\]]+\.[^\s@<>(),;:"\\[\].]{2,}$/;

export function isEmailAddress(value: string): boolean {
  return value.length <= OUTBOX_LIMITS.addressChars && EMAIL_PATTERN.test(value);
}

/** Trimmed (the case is kept: a mailbox name may depend on it), or refused with email_invalid. */
export function normalizeEmail(value: string): string {
  const email = value.trim();
  if (!isEmailAddress(email)) fail("email_invalid", "this is not an e-mail address");
  return email;
}

const SELECT = `SELECT id, to_address AS toAddress, subject, text_body AS textBody, html_body AS htmlBody, kind, ref_id AS refId, state, attempts,
  next_attempt_ms AS nextAttemptMs, last_error AS lastError, created_at_ms AS createdAtMs, sent_at_ms AS sentAtMs FROM email_outbox`;

/** Queues a mail in the caller's transaction; refusals: email_invalid, email_invalid_content. Due at once. */
export function enqueueEmail(tx: Tx, deps: { readonly newId: IdFactory }, mail: NewEmail): OutboxMail {
  const to = normalizeEmail(mail.to);
  // A header must not carry a line break: a subject typed into an event title cannot add headers.
  const oneLine = mail.subject.replace(/[\r\n\t]+/g, " ").trim();
  if (!oneLine) fail("email_invalid_content", "a mail needs a subject");
  // A long event title must not stop an order: the subject is cut, the body says it all.
  const subject = oneLine.length > OUTBOX_LIMITS.subjectChars ? `${oneLine.slice(0, OUTBOX_LIMITS.subjectChars - 1)}…` : oneLine;
  if (!mail.text || mail.text.length > OUTBOX_LIMITS.textChars) fail("email_invalid_content", "the text of a mail is missing or too long");
  if (mail.html !== undefined && mail.html.length > OUTBOX_LIMITS.htmlChars) fail("email_invalid_content", "the HTML of a mail is too long");
  if (!/^[a-z_]{1,40}$/.test(mail.kind)) fail("email_invalid_content", "a mail's kind is a short snake_case word");
  const id = deps.newId();
  const atMs = tx.stamp().atMs;
  tx.sqlite
    .query(
      `INSERT INTO email_outbox (id, to_address, subject, text_body, html_body, kind, ref_id, state, attempts, next_attempt_ms, created_at_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?)`,
    )
    .run(id, to, subject, mail.text, mail.html ?? null, mail.kind, mail.refId, atMs, atMs);
  return findOutboxMail(tx.sqlite, id)!;
}

export function findOutboxMail(sqlite: Sqlite, id: string): OutboxMail | undefined {
  return sqlite.query<OutboxMail, [string]>(`${SELECT} WHERE id = ?`).get(id) ?? undefined;
}

/** The newest mails first, optionally of one state or about one thing. */
export function listOutbox(sqlite: Sqlite, options: { state?: OutboxState; refId?: string; rows?: number } = {}): OutboxMail[] {
  const rows = Math.min(options.rows ?? OUTBOX_LIMITS.pageRows, OUTBOX_LIMITS.pageRows);
  const where: string[] = [];
  const params: Array<string | number> = [];
  if (options.state) {
    where.push("state = ?");
    params.push(options.state);
  }
  if (options.refId) {
    where.push("ref_id = ?");
    params.push(options.refId);
  }
  const clause = where.length ? ` WHERE ${where.join(" AND ")}` : "";
  return sqlite.query<OutboxMail, Array<string | number>>(`${SELECT}${clause} ORDER BY created_at_ms DESC, rowid DESC LIMIT ?`).all(...params, rows);
}

export function outboxCounts(sqlite: Sqlite): Record<OutboxState, number> {
  const counts: Record<OutboxState, number> = { queued: 0, sent: 0, failed: 0 };
  for (const row of sqlite.query<{ state: OutboxState; n: number }, []>("SELECT state, count(*) AS n FROM email_outbox GROUP BY state").all()) counts[row.state] = row.n;
  return counts;
}

/** The delay before attempt number `attempts + 1`, after `attempts` attempts: base, doubled each time, capped. */
export function outboxRetryDelayMs(attempts: number, baseMs: number = OUTBOX_LIMITS.retryBaseMs, capMs: number = OUTBOX_LIMITS.retryCapMs): number {
  const doublings = Math.max(0, Math.min(attempts - 1, 30));
  return Math.min(capMs, baseMs * 2 ** doublings);
}

export function hasDueMail(sqlite: Sqlite, nowMs: number): boolean {
  return sqlite.query<{ one: number }, [number]>("SELECT 1 AS one FROM email_outbox WHERE state = 'queued' AND next_attempt_ms <= ? LIMIT 1").get(nowMs) !== null;
}

/**
 * Claims the due mails for one attempt each: attempts + 1, and the next attempt pushed back by the
 * backoff, before anything is sent. A send cut short by a stop is thus tried again after the
 * backoff, not at once and not never. `skipIds` are mails with a send still in flight.
 */
export function claimDueMails(tx: Tx, nowMs: number, options: { maxMails: number; retryBaseMs?: number; retryCapMs?: number; skipIds?: ReadonlySet<string> }): OutboxMail[] {
  const due = tx.sqlite
    .query<OutboxMail, [number, number]>(`${SELECT} WHERE state = 'queued' AND next_attempt_ms <= ? ORDER BY next_attempt_ms, rowid LIMIT ?`)
    .all(nowMs, options.maxMails + (options.skipIds?.size ?? 0))
    .filter((mail) => !options.skipIds?.has(mail.id))
    .slice(0, options.maxMails);
  const claim = tx.sqlite.query("UPDATE email_outbox SET attempts = attempts + 1, next_attempt_ms = ? WHERE id = ? AND state = 'queued'");
  const exhausted = tx.sqlite.query("UPDATE email_outbox SET state = 'failed', last_error = coalesce(last_error, 'interrupted') WHERE id = ?");
  const claimed: OutboxMail[] = [];
  for (const mail of due) {
    // Its last attempt was cut short by a stop (claimed, never answered): no attempt is left.
    if (mail.attempts >= OUTBOX_LIMITS.maxAttempts) {
      exhausted.run(mail.id);
      continue;
    }
    const attempts = mail.attempts + 1;
    const nextAttemptMs = nowMs + outboxRetryDelayMs(attempts, options.retryBaseMs, options.retryCapMs);
    claim.run(nextAttemptMs, mail.id);
    claimed.push({ ...mail, attempts, nextAttemptMs });
  }
  return claimed;
}

/** The mail reached the SMTP server: sent, never picked again. */
export function markMailSent(tx: Tx, id: string, atMs: number): void {
  tx.sqlite.query("UPDATE email_outbox SET state = 'sent', sent_at_ms = ?, last_error = NULL WHERE id = ? AND state = 'queued'").run(atMs, id);
}

/** An attempt failed: the error is kept; the mail waits for its next attempt (set by the claim), or is failed after the last one. */
export function markMailFailed(tx: Tx, id: string, error: string): OutboxState {
  const mail = findOutboxMail(tx.sqlite, id);
  if (!mail || mail.state !== "queued") return mail?.state ?? "failed";
  const state: OutboxState = mail.attempts >= OUTBOX_LIMITS.maxAttempts ? "failed" : "queued";
  tx.sqlite.query("UPDATE email_outbox SET state = ?, last_error = ? WHERE id = ?").run(state, error.slice(0, OUTBOX_LIMITS.errorChars), id);
  return state;
}

/** Deletes sent and failed mails older than OUTBOX_LIMITS.keepMs (a bounded batch); queued ones are never deleted. Answers how many. */
export function purgeOldMails(tx: Tx, nowMs: number): number {
  return tx.sqlite
    .query("DELETE FROM email_outbox WHERE id IN (SELECT id FROM email_outbox WHERE state IN ('sent', 'failed') AND created_at_ms < ? LIMIT ?)")
    .run(nowMs - OUTBOX_LIMITS.keepMs, OUTBOX_LIMITS.purgeBatch).changes;
}

/** The admin's retry: a failed (or waiting) mail is queued again with its attempts reset, due now. Refusals: mail_unknown, mail_already_sent, mail_erased. */
export function retryMail(tx: Tx, id: string): OutboxMail {
  const mail = findOutboxMail(tx.sqlite, id);
  if (!mail) fail("mail_unknown", "no such mail");
  if (mail.state === "sent") fail("mail_already_sent", "this mail was sent already");
  // A mail erased on a person's request (ticketing/privacy.ts) has no recipient left.
  if (mail.toAddress === "") fail("mail_erased", "this mail was erased on its recipient's request");
  tx.sqlite.query("UPDATE email_outbox SET state = 'queued', attempts = 0, next_attempt_ms = ? WHERE id = ?").run(tx.stamp().atMs, id);
  return findOutboxMail(tx.sqlite, id)!;
}

// Settings: the SMTP address and the sender, on the ticketing_settings row.

export interface MailSettings {
  /** smtp://user:pass@host:port or smtps://...; empty: nothing is sent. */
  readonly smtpUrl: string;
  readonly mailFrom: string;
  /** The address buyers reach the box at, for links in mails; empty: no links. */
  readonly publicBaseUrl: string;
}

export function readMailSettings(sqlite: Sqlite): MailSettings {
  const row = sqlite
    .query<MailSettings, []>("SELECT smtp_url AS smtpUrl, mail_from AS mailFrom, public_base_url AS publicBaseUrl FROM ticketing_settings WHERE id = 1")
    .get();
  return row ?? { smtpUrl: "", mailFrom: "", publicBaseUrl: "" };
}

/** Whether mails can go out: an SMTP address and a sender are set. */
export function mailConfigured(settings: MailSettings): boolean {
  return settings.smtpUrl !== "" && settings.mailFrom !== "";
}

/** What the settings page shows of the SMTP address: the password hidden. */
export const SMTP_PASSWORD_MASK = "********";

export function maskSmtpUrl(smtpUrl: string): string {
  if (!smtpUrl) return "";
  const url = new URL(smtpUrl);
  if (url.password) url.password = SMTP_PASSWORD_MASK;
  return url.toString();
}

/**
 * Checks an SMTP address; refusals smtp_url_invalid. A password equal to the mask keeps the stored
 * one (the page never shows it), for the same host and user only (smtp_password_required
 * otherwise: the mask must not send the stored password to a server typed since). Empty clears
 * SMTP: nothing is sent any more.
 */
export function checkSmtpUrl(raw: string, stored: string): string {
  const value = raw.trim();
  if (!value) return "";
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail("smtp_url_invalid", "an SMTP address looks like smtp://user:password@host:587 or smtps://user:password@host:465");
  }
  if ((url.protocol !== "smtp:" && url.protocol !== "smtps:") || !url.hostname || url.pathname.replace(/^\/+/, "") !== "" || value.length > 500) {
    fail("smtp_url_invalid", "an SMTP address looks like smtp://user:password@host:587 or smtps://user:password@host:465");
  }
  if (url.password === SMTP_PASSWORD_MASK || decodeURIComponent(url.password) === SMTP_PASSWORD_MASK) {
    const previous = stored ? new URL(stored) : undefined;
    // The stored password goes only to the server it was typed for: another host or user needs it typed again.
    if (previous && previous.password && (previous.hostname !== url.hostname || previous.username !== url.username)) {
      fail("smtp_password_required", "type the password again for another SMTP server or user");
    }
    url.password = previous?.password ?? "";
  }
  return url.toString().replace(/\/$/, "");
}

/** A sender: `name@domain` or `Name <name@domain>`; refusal mail_from_invalid. */
export function checkMailFrom(raw: string): string {
  const value = raw.trim();
  if (!value) return "";
  const named = /^([^<>\r\n"]{1,100}?)\s*<([^<>\s]+)>$/.exec(value);
  const address = named ? named[2]! : value;
  if (!isEmailAddress(address)) fail("mail_from_invalid", "the sender is an address (name@example.org) or Name <name@example.org>");
  return named ? `${named[1]!.trim()} <${address}>` : address;
}

/** Saves the SMTP address and the sender (both empty: e-mail off). Refusals smtp_url_invalid, mail_from_invalid, mail_from_required. */
export function saveMailSettings(tx: Tx, input: { smtpUrl: string; mailFrom: string }): MailSettings {
  const stored = readMailSettings(tx.sqlite);
  const smtpUrl = checkSmtpUrl(input.smtpUrl, stored.smtpUrl);
  const mailFrom = checkMailFrom(input.mailFrom);
  if (smtpUrl && !mailFrom) fail("mail_from_required", "mails need a sender address");
  tx.sqlite.query("INSERT INTO ticketing_settings (id) VALUES (1) ON CONFLICT (id) DO NOTHING").run();
  tx.sqlite.query("UPDATE ticketing_settings SET smtp_url = ?, mail_from = ? WHERE id = 1").run(smtpUrl, mailFrom);
  return readMailSettings(tx.sqlite);
}
