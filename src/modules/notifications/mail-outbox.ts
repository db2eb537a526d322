/**
 * Reading one message of the local mail outbox (DATA_DIR/mail-outbox, written by the platform
 * mailer when no SMTP server is set) for the operator: its headers and its plain-text part,
 * decoded (quoted-printable or base64, as nodemailer wrote it).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { notificationErrors as E } from './notifications.errors.ts';

export function readOutboxMessage(dir: string, name: string): { name: string; to: string; subject: string; at: string; text: string } {
  // a bare file name only: no path may leave the outbox folder
  if (path.basename(name) !== name || !name.endsWith('.eml')) throw E.mail_message_not_found();
  let raw: string;
  try {
    raw = readFileSync(path.join(dir, name), 'utf8');
  } catch {
    throw E.mail_message_not_found();
  }
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
