/**
 * E-mail out. With SMTP_URL set, messages go to that server through nodemailer (STARTTLS when
 * the server offers it; `smtps://` for implicit TLS); without it they are written to a local
 * outbox, one RFC 5322 message per entry, which the operator can read (and `npm start` names), so a
 * fresh installation loses no invitation or notice. The application keeps that outbox in the
 * database (an OutboxStore, see the notifications module), so the operator sees the mail of every
 * instance; without a store it is a folder of `.eml` files (outboxDir).
 *
 * The message is built by nodemailer either way (the outbox uses its stream transport), so what
 * the outbox holds is exactly what SMTP would have carried. A message's text never goes to the
 * logs: a failure logs the recipient's domain and nodemailer's error code only.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface SentMail {
  /** the Message-ID header */
  messageId: string;
  via: 'smtp' | 'outbox';
  /** the outbox file (outbox only) */
  file?: string;
}

export interface OutboxEntry {
  file: string;
  to: string;
  subject: string;
  at: string;
  bytes: number;
}

/** Where the outbox keeps its messages when it is not a folder (the application: the database). */
export interface OutboxStore {
  put(m: { name: string; to: string; subject: string; message: Buffer }): Promise<void>;
  /** newest first */
  list(limit: number): Promise<OutboxEntry[]>;
  /** the RFC 5322 message, or null when there is none by that name */
  read(name: string): Promise<string | null>;
  /** what the operator is told the messages are kept in */
  readonly where: string;
}

export interface MailerOptions {
  /** smtp:// or smtps:// URL (user and password in it, when the server needs them); null = outbox */
  smtpUrl: string | null;
  /** the From address */
  from: string;
  /** where the outbox lives when there is no SMTP server */
  outboxDir: string;
  /** keeps the outbox here instead of in outboxDir */
  outboxStore?: OutboxStore | null;
  /** SMTP connection and greeting timeout */
  timeoutMs?: number;
}

/** the outbox files this process wrote, for their order within a millisecond */
let outboxSeq = 0;

export class Mailer {
  readonly via: 'smtp' | 'outbox';
  readonly outboxDir: string;
  readonly #store: OutboxStore | null;
  readonly #from: string;
  readonly #transport: Transporter;

  constructor(opts: MailerOptions) {
    this.via = opts.smtpUrl ? 'smtp' : 'outbox';
    this.outboxDir = opts.outboxDir;
    this.#store = opts.outboxStore ?? null;
    this.#from = opts.from;
    const t = opts.timeoutMs ?? 10_000;
    this.#transport = opts.smtpUrl
      ? nodemailer.createTransport({ url: opts.smtpUrl, connectionTimeout: t, greetingTimeout: t, socketTimeout: t * 3, disableFileAccess: true, disableUrlAccess: true } as Parameters<typeof nodemailer.createTransport>[0])
      : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix', disableFileAccess: true, disableUrlAccess: true });
  }

  async send(m: MailMessage): Promise<SentMail> {
    const info = (await this.#transport.sendMail({ from: this.#from, to: m.to, subject: m.subject, text: m.text, ...(m.html ? { html: m.html } : {}) })) as { messageId: string; message?: Buffer };
    if (this.via === 'smtp') return { messageId: info.messageId, via: 'smtp' };
    // sortable by time, and within one millisecond by the order this process sent them (two
    // messages of one request often share it: a random suffix alone listed them either way); the
    // random part keeps names unique across processes sharing the directory
    const seq = String(outboxSeq++ % 1_000_000).padStart(6, '0');
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${seq}-${randomBytes(4).toString('hex')}.eml`;
    if (this.#store) {
      await this.#store.put({ name, to: m.to, subject: m.subject, message: info.message ?? Buffer.alloc(0) });
      return { messageId: info.messageId, via: 'outbox', file: name };
    }
    const file = path.join(this.outboxDir, name);
    // written off the event loop: creating a file in a directory of thousands took ~0.5 ms of
    // blocked loop per message under bench:writes (every request of the process waited)
    await mkdir(this.outboxDir, { recursive: true, mode: 0o700 });
    await writeFile(file, info.message ?? Buffer.alloc(0), { mode: 0o600 });
    return { messageId: info.messageId, via: 'outbox', file };
  }

  /** The outbox's messages, newest first (what the operator reads when there is no SMTP server). */
  outbox(limit = 100): OutboxEntry[] {
    let names: string[];
    try {
      names = readdirSync(this.outboxDir).filter((n) => n.endsWith('.eml'));
    } catch {
      return [];
    }
    names.sort().reverse();
    return names.slice(0, limit).map((n) => {
      const file = path.join(this.outboxDir, n);
      const head = readFileSync(file, 'utf8').split('\n\n')[0];
      const header = (name: string) => decodeHeader(new RegExp(`^${name}: (.*(?:\\n[ \\t].*)*)`, 'im').exec(head)?.[1]?.replace(/\n[ \t]/g, ' ') ?? '');
      return { file, to: header('To'), subject: header('Subject'), at: header('Date'), bytes: statSync(file).size };
    });
  }

  /** Where the outbox's messages are kept: the store's description, or the folder. */
  get outboxWhere(): string {
    return this.#store?.where ?? this.outboxDir;
  }

  /** The outbox's messages, newest first, wherever they are kept. */
  async listOutbox(limit = 100): Promise<OutboxEntry[]> {
    return this.#store ? this.#store.list(limit) : this.outbox(limit);
  }

  /** One outbox message (a bare `.eml` name), or null. */
  async readOutbox(name: string): Promise<string | null> {
    if (path.basename(name) !== name || !name.endsWith('.eml')) return null;
    if (this.#store) return this.#store.read(name);
    try {
      return readFileSync(path.join(this.outboxDir, name), 'utf8');
    } catch {
      return null;
    }
  }

  close(): void {
    this.#transport.close();
  }
}

/** RFC 2047 encoded words (what nodemailer writes for a non-ASCII subject), decoded for display. */
function decodeHeader(v: string): string {
  return v.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_m, enc: string, text: string) =>
    enc.toLowerCase() === 'b' ? Buffer.from(text, 'base64').toString('utf8') : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
  );
}
