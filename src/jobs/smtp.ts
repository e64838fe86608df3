/**
 * The SMTP port: what the mail sender needs of a mail server (send one message, or fail with the
 * server's words), and its implementation over nodemailer's SMTP transport (plain, STARTTLS when
 * the server offers it, or TLS from the start with smtps://; AUTH from the address's user and
 * password). Tests speak to it through a real SMTP listener (test/helpers/smtp-server.ts).
 */
import nodemailer from "nodemailer";

export interface MailAttachment {
  readonly filename: string;
  readonly contentType: string;
  readonly content: Uint8Array;
  /** Content-ID, for an image shown inside the HTML (`<img src="cid:...">`). */
  readonly cid?: string;
}

export interface MailMessage {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html?: string | undefined;
  readonly attachments?: readonly MailAttachment[];
  /** The same for every attempt: a receiver that got a message twice (a send cut after DATA) can tell. */
  readonly messageId: string;
}

export interface SmtpPort {
  /** Resolves once the server accepted the message (250 after DATA); rejects otherwise. */
  send(message: MailMessage): Promise<void>;
  close(): void;
}

export interface SmtpTimeouts {
  readonly connectionMs: number;
  readonly greetingMs: number;
  readonly socketMs: number;
}

/** Each well below the outbox's first retry delay (a minute), so that a hung send ends before its mail is due again. */
export const SMTP_TIMEOUTS: SmtpTimeouts = { connectionMs: 10_000, greetingMs: 10_000, socketMs: 20_000 };

export interface SmtpOptions {
  readonly timeouts?: SmtpTimeouts;
  /** Certificate authorities to trust besides the system's (a mail relay with a private CA; tests). */
  readonly ca?: string;
}

/**
 * An SMTP port over nodemailer for an smtp:// or smtps:// address. One connection per message (no
 * pool). smtp:// switches to TLS with STARTTLS whenever the server offers it; the server's
 * certificate is always verified.
 */
export function smtpTransport(smtpUrl: string, options: SmtpOptions = {}): SmtpPort {
  const timeouts = options.timeouts ?? SMTP_TIMEOUTS;
  const url = new URL(smtpUrl);
  const secure = url.protocol === "smtps:";
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
    connectionTimeout: timeouts.connectionMs,
    greetingTimeout: timeouts.greetingMs,
    socketTimeout: timeouts.socketMs,
    // The box names itself in EHLO; its host name says nothing useful to a mail server.
    name: "tibox.local",
    ...(options.ca ? { tls: { ca: options.ca } } : {}),
  });
  return {
    async send(message) {
      await transport.sendMail({
        from: message.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.html !== undefined ? { html: message.html } : {}),
        messageId: message.messageId,
        attachments: (message.attachments ?? []).map((attachment) => ({
          filename: attachment.filename,
          contentType: attachment.contentType,
          content: Buffer.from(attachment.content),
          ...(attachment.cid ? { cid: attachment.cid } : {}),
        })),
      });
    },
    close() {
      transport.close();
    },
  };
}
