/**
 * The mail sender: every few seconds (a croner schedule started with the jobs), if SMTP is
 * configured, it claims the due mails of the outbox (a bounded batch) and sends them one by one
 * through the SMTP port; each is then marked sent, or keeps its error and waits for its next
 * attempt (exponential backoff), or is failed after the last attempt (ticketing/outbox.ts).
 * Settings are read at each pass: the e-mail page needs no restart. While SMTP is not configured
 * nothing is claimed and mails stay queued.
 *
 * Time comes from the injected clock (a mail is due when clock.nowMs() reaches its next attempt);
 * croner only decides when to look. Tests call `tick()`.
 */
import type { Tx, Writer } from "../db/index.ts";
import type { Clock, Logger } from "../kernel/index.ts";
import { claimDueMails, hasDueMail, mailAttachments, mailConfigured, markMailFailed, markMailSent, OUTBOX_LIMITS, readMailSettings, type OutboxMail } from "../ticketing/index.ts";
import { smtpTransport, type MailAttachment, type SmtpPort } from "./smtp.ts";

export interface MailSenderDeps {
  readonly writer: Writer;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface MailSenderOptions {
  /** Makes the SMTP port for an address; nodemailer by default. */
  readonly openSmtp?: (smtpUrl: string) => SmtpPort;
  readonly batchMails?: number;
  readonly retryBaseMs?: number;
  readonly retryCapMs?: number;
}

export interface MailOutcome {
  readonly mailId: string;
  readonly ok: boolean;
  readonly error?: string;
  /** The mail's state after the attempt. */
  readonly state: "queued" | "sent" | "failed";
}

/** The croner pattern of the sender's passes: every 10 seconds. */
export const MAIL_SENDER_CRON = "*/10 * * * * *";

export class MailSender {
  readonly #deps: MailSenderDeps;
  readonly #open: (smtpUrl: string) => SmtpPort;
  readonly #batchMails: number;
  readonly #retryBaseMs: number;
  readonly #retryCapMs: number;
  #transport: { url: string; port: SmtpPort } | undefined;
  #ticking: Promise<MailOutcome[]> | undefined;
  #stopped = false;

  constructor(deps: MailSenderDeps, options: MailSenderOptions = {}) {
    this.#deps = deps;
    this.#open = options.openSmtp ?? ((smtpUrl) => smtpTransport(smtpUrl));
    this.#batchMails = options.batchMails ?? OUTBOX_LIMITS.batchMails;
    this.#retryBaseMs = options.retryBaseMs ?? OUTBOX_LIMITS.retryBaseMs;
    this.#retryCapMs = options.retryCapMs ?? OUTBOX_LIMITS.retryCapMs;
  }

  /** One pass: claims the due mails and sends them. Returns what happened to each. A pass already running is joined, not doubled. */
  tick(): Promise<MailOutcome[]> {
    if (this.#ticking) return this.#ticking;
    this.#ticking = this.#pass().finally(() => {
      this.#ticking = undefined;
    });
    return this.#ticking;
  }

  /** Stops claiming, waits for the pass in flight, closes the connection. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#ticking?.catch(() => []);
    this.#transport?.port.close();
    this.#transport = undefined;
  }

  async #pass(): Promise<MailOutcome[]> {
    if (this.#stopped) return [];
    const sqlite = this.#deps.writer.sqlite;
    const settings = readMailSettings(sqlite);
    if (!mailConfigured(settings)) return [];
    const nowMs = this.#deps.clock.nowMs();
    if (!hasDueMail(sqlite, nowMs)) return [];
    const claimed = await this.#deps.writer.submit((tx) => claimDueMails(tx, nowMs, { maxMails: this.#batchMails, retryBaseMs: this.#retryBaseMs, retryCapMs: this.#retryCapMs }));
    const port = this.#port(settings.smtpUrl);
    const outcomes: MailOutcome[] = [];
    // One by one: a small venue's mail server is not to be flooded, and a batch is at most batchMails.
    for (const mail of claimed) outcomes.push(await this.#send(port, settings.mailFrom, mail));
    return outcomes;
  }

  #port(smtpUrl: string): SmtpPort {
    if (this.#transport?.url === smtpUrl) return this.#transport.port;
    this.#transport?.port.close();
    const port = this.#open(smtpUrl);
    this.#transport = { url: smtpUrl, port };
    return port;
  }

  async #send(port: SmtpPort, from: string, mail: OutboxMail): Promise<MailOutcome> {
    try {
      const attachments: MailAttachment[] = mailAttachments(this.#deps.writer.sqlite, mail);
      await port.send({ from, to: mail.toAddress, subject: mail.subject, text: mail.textBody, html: mail.htmlBody ?? undefined, attachments, messageId: messageIdOf(mail.id, from) });
    } catch (error) {
      const message = errorText(error);
      const state = await this.#record((tx) => markMailFailed(tx, mail.id, message));
      this.#deps.logger.log("warn", state === "failed" ? "mail not sent after its last attempt" : "mail not sent; it will be tried again", { mail: mail.id, attempts: mail.attempts, error: message });
      return { mailId: mail.id, ok: false, error: message, state: state ?? "queued" };
    }
    const sentAtMs = this.#deps.clock.nowMs();
    const state = await this.#record((tx) => {
      markMailSent(tx, mail.id, sentAtMs);
      return "sent" as const;
    });
    return { mailId: mail.id, ok: true, state: state ?? "queued" };
  }

  /** Writes an outcome. If the box is closing, the mail stays claimed and is tried again after its backoff. */
  async #record<T>(write: (tx: Tx) => T): Promise<T | undefined> {
    try {
      return await this.#deps.writer.submit(write);
    } catch (error) {
      this.#deps.logger.log("warn", "mail outcome not recorded; it will be tried again", { error: String(error) });
      return undefined;
    }
  }
}

/** A Message-ID made from the outbox id: the same on every attempt of one mail. */
export function messageIdOf(mailId: string, from: string): string {
  const domain = /@([^>\s]+)>?$/.exec(from)?.[1] ?? "tibox.local";
  return `<${mailId.toLowerCase()}@${domain}>`;
}

/** The server's words (code and response) when there are some, on one line. */
function errorText(error: unknown): string {
  if (error && typeof error === "object") {
    const { responseCode, response, code, message } = error as { responseCode?: number; response?: string; code?: string; message?: string };
    // nodemailer's response starts with the server's code already ("550 5.1.1 ...").
    const text = response ? (responseCode && !response.startsWith(String(responseCode)) ? `${responseCode} ${response}` : response) : `${code ? `${code}: ` : ""}${message ?? String(error)}`;
    return text.replace(/\s+/g, " ").trim().slice(0, OUTBOX_LIMITS.errorChars);
  }
  return String(error).slice(0, OUTBOX_LIMITS.errorChars);
}
