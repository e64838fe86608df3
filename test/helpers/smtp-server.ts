/**
 * A small SMTP server for tests: a real TCP listener (Bun.listen on 127.0.0.1) that speaks EHLO,
 * AUTH PLAIN and LOGIN, MAIL FROM, RCPT TO, DATA (with dot-unstuffing), RSET, NOOP and QUIT, and
 * records each message accepted. With `starttls` (a certificate and its key) it listens with
 * node:net instead, offers STARTTLS, upgrades the connection with node:tls, and refuses AUTH and
 * MAIL before it (530), as a provider's port 587 does. It can misbehave on the next connections, one behaviour per
 * connection: refuse with a 5xx at MAIL, RCPT or after DATA, or drop the connection at the
 * greeting or after the whole message arrived but before answering (the sender cannot know
 * whether the message went through). `parseMessage` decodes what was received (headers, encoded
 * words, multipart, quoted-printable and base64) so that tests assert on the text a person reads.
 */
import type { Socket, TCPSocketListener } from "bun";
import net from "node:net";
import tls from "node:tls";

export type SmtpBehavior =
  | { readonly kind: "accept" }
  | { readonly kind: "refuse"; readonly at: "mail" | "rcpt" | "data"; readonly code?: number }
  | { readonly kind: "drop"; readonly at: "greeting" | "after_data" };

export interface ReceivedMail {
  readonly from: string;
  readonly to: readonly string[];
  /** The DATA as sent, dot-unstuffed, CRLF line ends. */
  readonly raw: string;
  /** `user:pass` when the client authenticated. */
  readonly auth: string | undefined;
  /** The message came over TLS (after STARTTLS). */
  readonly secure: boolean;
}

/** What the protocol needs of a connection, whichever listener accepted it. */
interface Conn {
  write(text: string): void;
  end(): void;
  /** Switches to TLS (STARTTLS); absent when the server offers no TLS. */
  upgrade?: () => void;
}

interface Session {
  behavior: SmtpBehavior;
  buffer: string;
  inData: boolean;
  data: string[];
  from: string;
  to: string[];
  auth: string | undefined;
  /** Waiting for the base64 user name, then the password, of AUTH LOGIN. */
  login: "user" | "pass" | undefined;
  loginUser: string;
  secure: boolean;
}

export class SmtpTestServer {
  readonly received: ReceivedMail[] = [];
  /** Messages that arrived whole on a connection dropped before the answer (the sender saw an error). */
  readonly droppedAfterData: ReceivedMail[] = [];
  connections = 0;
  readonly #behaviors: SmtpBehavior[] = [];
  readonly #waiters: Array<() => void> = [];
  #server: TCPSocketListener<{ conn: Conn; session: Session }> | undefined;
  #nodeServer: net.Server | undefined;
  #nodePort = 0;
  readonly #nodeSockets = new Set<net.Socket>();

  static start(): SmtpTestServer {
    const server = new SmtpTestServer();
    server.#server = Bun.listen<{ conn: Conn; session: Session }>({
      hostname: "127.0.0.1",
      port: 0,
      socket: {
        open: (socket: Socket<{ conn: Conn; session: Session }>) => {
          const conn: Conn = { write: (text) => void socket.write(text), end: () => void socket.end() };
          socket.data = { conn, session: server.#open(conn) };
        },
        data: (socket, chunk) => server.#data(socket.data.conn, socket.data.session, chunk),
        error: () => undefined,
      },
    });
    return server;
  }

  /** A server that offers STARTTLS with this certificate (node:net, upgraded by node:tls). */
  static async startWithStartTls(material: { certPem: string; keyPem: string }): Promise<SmtpTestServer> {
    const server = new SmtpTestServer();
    const listener = net.createServer((raw) => {
      server.#nodeSockets.add(raw);
      raw.on("close", () => server.#nodeSockets.delete(raw));
      raw.on("error", () => undefined);
      let current: net.Socket | tls.TLSSocket = raw;
      const onData = (chunk: Buffer) => server.#data(conn, session, chunk);
      const conn: Conn = {
        write: (text) => void current.write(text),
        end: () => void current.end(),
        upgrade: () => {
          raw.removeListener("data", onData);
          const secure = new tls.TLSSocket(raw, { isServer: true, cert: material.certPem, key: material.keyPem });
          secure.on("data", onData);
          secure.on("error", () => undefined);
          current = secure;
          session.secure = true;
        },
      };
      const session = server.#open(conn);
      raw.on("data", onData);
    });
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", () => resolve()));
    server.#nodeServer = listener;
    server.#nodePort = (listener.address() as net.AddressInfo).port;
    return server;
  }

  get port(): number {
    return this.#server ? this.#server.port : this.#nodePort;
  }

  /** An smtp:// address for this server, with credentials when given. */
  url(credentials?: { user: string; pass: string }): string {
    const auth = credentials ? `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.pass)}@` : "";
    return `smtp://${auth}127.0.0.1:${this.port}`;
  }

  behave(...behaviors: SmtpBehavior[]): void {
    this.#behaviors.push(...behaviors);
  }

  async waitForMessages(count: number, timeoutMs = 5_000): Promise<ReceivedMail[]> {
    const deadline = Bun.sleep(timeoutMs).then(() => "timeout" as const);
    while (this.received.length < count) {
      const arrived = new Promise<"mail">((resolve) => this.#waiters.push(() => resolve("mail")));
      if ((await Promise.race([arrived, deadline])) === "timeout") throw new Error(`waited ${timeoutMs} ms for ${count} messages, got ${this.received.length}`);
    }
    return this.received.slice(0, count);
  }

  stop(): void {
    this.#server?.stop(true);
    this.#server = undefined;
    for (const socket of this.#nodeSockets) socket.destroy();
    this.#nodeServer?.close();
    this.#nodeServer = undefined;
  }

  #open(conn: Conn): Session {
    this.connections += 1;
    const behavior = this.#behaviors.shift() ?? { kind: "accept" };
    const session: Session = { behavior, buffer: "", inData: false, data: [], from: "", to: [], auth: undefined, login: undefined, loginUser: "", secure: false };
    if (behavior.kind === "drop" && behavior.at === "greeting") conn.end();
    else conn.write("220 test.smtp ESMTP ready\r\n");
    return session;
  }

  #data(conn: Conn, session: Session, chunk: Buffer): void {
    session.buffer += chunk.toString("latin1");
    let newline: number;
    while ((newline = session.buffer.indexOf("\r\n")) >= 0) {
      const line = session.buffer.slice(0, newline);
      session.buffer = session.buffer.slice(newline + 2);
      if (!this.#line(conn, session, line)) return;
    }
  }

  /** Handles one line; false when the connection was closed or handed to TLS. */
  #line(socket: Conn, session: Session, line: string): boolean {
    const reply = (text: string) => socket.write(`${text}\r\n`);
    // Before STARTTLS, a server that offers it takes nothing but EHLO, STARTTLS, NOOP and QUIT.
    const tlsRequired = socket.upgrade !== undefined && !session.secure;
    if (session.inData) {
      if (line !== ".") {
        session.data.push(line.startsWith(".") ? line.slice(1) : line);
        return true;
      }
      session.inData = false;
      const mail: ReceivedMail = { from: session.from, to: [...session.to], raw: session.data.join("\r\n"), auth: session.auth, secure: session.secure };
      session.data = [];
      const { behavior } = session;
      if (behavior.kind === "drop" && behavior.at === "after_data") {
        this.droppedAfterData.push(mail);
        socket.end();
        return false;
      }
      if (behavior.kind === "refuse" && behavior.at === "data") {
        reply(`${behavior.code ?? 554} 5.6.0 message refused by the test server`);
        return true;
      }
      this.received.push(mail);
      for (const wake of this.#waiters.splice(0)) wake();
      reply("250 2.0.0 queued");
      return true;
    }
    if (session.login) {
      const decoded = Buffer.from(line, "base64").toString("utf8");
      if (session.login === "user") {
        session.loginUser = decoded;
        session.login = "pass";
        reply("334 UGFzc3dvcmQ6");
      } else {
        session.auth = `${session.loginUser}:${decoded}`;
        session.login = undefined;
        reply("235 2.7.0 authenticated");
      }
      return true;
    }
    const verb = line.slice(0, 4).toUpperCase();
    const { behavior } = session;
    switch (verb) {
      case "EHLO":
        reply(tlsRequired ? "250-test.smtp greets you\r\n250-STARTTLS\r\n250 8BITMIME" : "250-test.smtp greets you\r\n250-8BITMIME\r\n250-AUTH PLAIN LOGIN\r\n250 SMTPUTF8");
        return true;
      case "STAR":
        if (!socket.upgrade || session.secure) {
          reply("502 5.5.1 STARTTLS not offered");
          return true;
        }
        reply("220 2.0.0 ready to start TLS");
        socket.upgrade();
        // The client says EHLO again over TLS; nothing said before counts.
        session.buffer = "";
        return false;
      case "HELO":
        reply("250 test.smtp");
        return true;
      case "AUTH": {
        if (tlsRequired) {
          reply("530 5.7.0 must issue a STARTTLS command first");
          return true;
        }
        const [, mechanism, initial] = line.split(" ");
        if (mechanism?.toUpperCase() === "PLAIN" && initial) {
          const [, user, pass] = Buffer.from(initial, "base64").toString("utf8").split("\u0000");
          session.auth = `${user}:${pass}`;
          reply("235 2.7.0 authenticated");
        } else if (mechanism?.toUpperCase() === "LOGIN") {
          session.login = "user";
          reply("334 VXNlcm5hbWU6");
        } else reply("504 5.5.4 mechanism not supported");
        return true;
      }
      case "MAIL":
        if (tlsRequired) {
          reply("530 5.7.0 must issue a STARTTLS command first");
          return true;
        }
        if (behavior.kind === "refuse" && behavior.at === "mail") {
          reply(`${behavior.code ?? 550} 5.7.1 sender refused by the test server`);
          return true;
        }
        session.from = /<([^>]*)>/.exec(line)?.[1] ?? "";
        session.to = [];
        reply("250 2.1.0 ok");
        return true;
      case "RCPT":
        if (behavior.kind === "refuse" && behavior.at === "rcpt") {
          reply(`${behavior.code ?? 550} 5.1.1 no such mailbox`);
          return true;
        }
        session.to.push(/<([^>]*)>/.exec(line)?.[1] ?? "");
        reply("250 2.1.5 ok");
        return true;
      case "DATA":
        session.inData = true;
        reply("354 end with <CRLF>.<CRLF>");
        return true;
      case "RSET":
        session.from = "";
        session.to = [];
        reply("250 2.0.0 ok");
        return true;
      case "NOOP":
        reply("250 2.0.0 ok");
        return true;
      case "QUIT":
        reply("221 2.0.0 bye");
        socket.end();
        return false;
      default:
        reply("502 5.5.2 command not recognised");
        return true;
    }
  }
}

// Decoding what was received.

export interface ParsedPart {
  readonly headers: ReadonlyMap<string, string>;
  readonly contentType: string;
  /** The part decoded as UTF-8 text with LF line ends; and as bytes. */
  readonly text: string;
  readonly bytes: Uint8Array;
}

export interface ParsedMail {
  readonly headers: ReadonlyMap<string, string>;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly attachments: readonly ParsedPart[];
}

function decodeWords(value: string): string {
  return value.replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=\s*(?==\?)|=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_match, c1, e1, t1, c2, e2, t2) => {
    const encoding = (e1 ?? e2) as string;
    const text = (t1 ?? t2) as string;
    void (c1 ?? c2);
    if (encoding.toUpperCase() === "B") return Buffer.from(text, "base64").toString("utf8");
    const bytes = text.replace(/_/g, " ").replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, "latin1").toString("utf8");
  });
}

function splitHeaders(raw: string): { headers: Map<string, string>; body: string } {
  const end = raw.indexOf("\r\n\r\n");
  const head = end >= 0 ? raw.slice(0, end) : raw;
  const body = end >= 0 ? raw.slice(end + 4) : "";
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]+/g, " ").split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function decodeBody(body: string, transferEncoding: string): Uint8Array {
  const encoding = transferEncoding.toLowerCase();
  if (encoding === "base64") return new Uint8Array(Buffer.from(body.replace(/\s+/g, ""), "base64"));
  if (encoding === "quoted-printable") {
    const unfolded = body.replace(/=\r\n/g, "");
    const bytes: number[] = [];
    for (let i = 0; i < unfolded.length; i++) {
      const hex = unfolded.slice(i + 1, i + 3);
      if (unfolded[i] === "=" && /^[0-9A-Fa-f]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
      } else bytes.push(unfolded.charCodeAt(i) & 0xff);
    }
    return Uint8Array.from(bytes);
  }
  return new Uint8Array(Buffer.from(body, "latin1"));
}

function leafParts(raw: string): ParsedPart[] {
  const { headers, body } = splitHeaders(raw);
  const contentType = headers.get("content-type") ?? "text/plain";
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (contentType.toLowerCase().startsWith("multipart/") && boundary) {
    const sections = body.split(`--${boundary}`).slice(1);
    return sections.filter((section) => !section.startsWith("--")).flatMap((section) => leafParts(section.replace(/^\r\n/, "").replace(/\r\n$/, "")));
  }
  const bytes = decodeBody(body, headers.get("content-transfer-encoding") ?? "7bit");
  return [{ headers, contentType: contentType.split(";")[0]!.trim().toLowerCase(), text: Buffer.from(bytes).toString("utf8").replace(/\r\n/g, "\n"), bytes }];
}

/** Decodes a received message: the subject, the plain text and HTML parts, and the other parts as attachments. */
export function parseMessage(raw: string): ParsedMail {
  const { headers } = splitHeaders(raw);
  const parts = leafParts(raw);
  const isAttachment = (part: ParsedPart) => (part.headers.get("content-disposition") ?? "").startsWith("attachment") || part.headers.has("content-id");
  const text = parts.find((part) => part.contentType === "text/plain" && !isAttachment(part))?.text ?? "";
  const html = parts.find((part) => part.contentType === "text/html" && !isAttachment(part))?.text ?? "";
  return { headers, subject: decodeWords(headers.get("subject") ?? ""), text, html, attachments: parts.filter(isAttachment) };
}
