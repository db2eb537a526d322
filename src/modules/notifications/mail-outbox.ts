/**
 * The local mail outbox (written by the platform mailer when no SMTP server is set), kept in the
 * database — table mail_outbox, one row per message, the RFC 5322 message encrypted with the
 * installation secret (it carries invitation and password-reset links) — so the operator reads the
 * mail of every instance whichever one answers. Messages are kept for MAIL_OUTBOX_RETENTION_MS;
 * older ones are deleted as new ones are written (at most once a minute per instance).
 *
 * Reading one message for the operator: its headers and its plain-text part, decoded
 * (quoted-printable or base64, as nodemailer wrote it).
 */
import type { Clock } from '../../platform/clock.ts';
import { decryptWithSecret, encryptWithSecret } from '../../platform/crypto.ts';
import type { Db } from '../../platform/db/database.ts';
import type { OutboxEntry, OutboxStore } from '../../platform/mail/mailer.ts';
import { notificationErrors as E } from './notifications.errors.ts';

/** How long a message stays in the outbox. */
export const MAIL_OUTBOX_RETENTION_MS = 30 * 24 * 60 * 60_000;
const SWEEP_EVERY_MS = 60_000;

export class MailOutboxStore implements OutboxStore {
  readonly where = 'the database';
  readonly #d: { db: Db; clock: Clock; secretKey: string };
  #sweptAt = Number.NEGATIVE_INFINITY;

  constructor(d: { db: Db; clock: Clock; secretKey: string }) {
    this.#d = d;
  }

  async put(m: { name: string; to: string; subject: string; message: Buffer }): Promise<void> {
    const now = this.#d.clock.nowMs();
    const raw = m.message.toString('utf8');
    await this.#d.db.kysely
      .insertInto('mail_outbox')
      .values({ id: m.name, to_addr: m.to, subject: m.subject, bytes: m.message.length, message_enc: encryptWithSecret(this.#d.secretKey, raw), created_at: new Date(now).toISOString(), expires_at: new Date(now + MAIL_OUTBOX_RETENTION_MS).toISOString() })
      .execute();
    if (now - this.#sweptAt >= SWEEP_EVERY_MS) {
      this.#sweptAt = now;
      await this.sweepExpired();
    }
  }

  /** Deletes the messages past their retention; how many. */
  async sweepExpired(): Promise<number> {
    const r = await this.#d.db.kysely.deleteFrom('mail_outbox').where('expires_at', '<=', this.#d.clock.now().toISOString()).executeTakeFirst();
    return Number(r.numDeletedRows ?? 0);
  }

  async list(limit: number): Promise<OutboxEntry[]> {
    const rows = await this.#d.db.kysely
      .selectFrom('mail_outbox')
      .select(['id', 'to_addr', 'subject', 'bytes', 'created_at'])
      .where('expires_at', '>', this.#d.clock.now().toISOString())
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ file: r.id, to: r.to_addr, subject: r.subject, at: r.created_at, bytes: r.bytes }));
  }

  async read(name: string): Promise<string | null> {
    const row = await this.#d.db.kysely.selectFrom('mail_outbox').select('message_enc').where('id', '=', name).where('expires_at', '>', this.#d.clock.now().toISOString()).executeTakeFirst();
    if (!row) return null;
    try {
      return decryptWithSecret(this.#d.secretKey, row.message_enc);
    } catch {
      // written under another installation secret: unreadable here
      return null;
    }
  }
}

/** One outbox message for the operator (`raw` null: there is none by that name). */
export function outboxMessage(name: string, raw: string | null): { name: string; to: string; subject: string; at: string; text: string } {
  if (raw === null) throw E.mail_message_not_found();
  const [head] = raw.split('\n\n');
  const header = (h: string, src = head) => decodeWords(new RegExp(`^${h}: (.*(?:\\n[ \\t].*)*)`, 'im').exec(src)?.[1]?.replace(/\n[ \t]/g, ' ') ?? '');
  return { name, to: header('To'), subject: header('Subject'), at: header('Date'), text: textPart(raw) };
}

/** The text/plain part of a (possibly multipart) message, decoded. */
export function textPart(raw: string): string {
  const boundary = /boundary="?([^";\n]+)"?/i.exec(raw)?.[1];
  const parts = boundary ? raw.split(`--${boundary}`) : [raw];
  const part = parts.find((p) => /content-type: text\/plain/i.test(p)) ?? parts[0];
  const sep = part.indexOf('\n\n');
  const headers = sep >= 0 ? part.slice(0, sep) : '';
  let body = sep >= 0 ? part.slice(sep + 2) : part;
  body = body.replace(/\n--$/, '').trimEnd();
  const enc = /content-transfer-encoding: *([\w-]+)/i.exec(headers)?.[1]?.toLowerCase();
  if (enc === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return body;
}

function decodeWords(v: string): string {
  return v.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_m, enc: string, text: string) =>
    enc.toLowerCase() === 'b' ? Buffer.from(text, 'base64').toString('utf8') : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
  );
}
