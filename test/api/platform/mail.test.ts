/**
 * E-mail out (src/platform/mail): over SMTP to a real SMTP server running in this test
 * (smtp-server), or, with no SMTP_URL, into the local outbox the operator reads; the layout
 * escapes what it interpolates into HTML.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { Mailer } from '../../../src/platform/mail/mailer.ts';
import { renderMail } from '../../../src/platform/mail/mail-template.ts';

interface Delivered {
  from: string;
  to: string[];
  raw: string;
}
const delivered: Delivered[] = [];
let smtp: SMTPServer;
let smtpUrl: string;
const dir = mkdtempSync(path.join(tmpdir(), 'pg-mail-'));

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        delivered.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => smtp.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

const invitation = (to: string, name: string) =>
  renderMail({
    to,
    subject: 'You are invited to Contoso Telecom on Partnergate',
    greeting: `Hello ${name},`,
    paragraphs: ['Ada Admin invited you to join Contoso Telecom as an administrator.', 'The invitation is valid for 7 days.'],
    action: { label: 'Accept the invitation', url: 'https://partners.example.com/invite#t=abc&x=1' },
    footer: 'You get this message because someone entered your address in an invitation.',
  });

describe('SMTP', () => {
  it('a message reaches a real SMTP server with its sender, recipient, subject, text and link', async () => {
    const mailer = new Mailer({ smtpUrl, from: 'Partnergate <no-reply@partners.example.com>', outboxDir: path.join(dir, 'unused') });
    try {
      const sent = await mailer.send(invitation('grace@contoso.example', 'Grace'));
      expect(sent.via).toBe('smtp');
      const m = delivered.at(-1)!;
      expect(m.from).toBe('no-reply@partners.example.com');
      expect(m.to).toEqual(['grace@contoso.example']);
      const parsed = await simpleParser(m.raw);
      expect(parsed.subject).toBe('You are invited to Contoso Telecom on Partnergate');
      expect(parsed.messageId).toBe(sent.messageId);
      expect(parsed.text).toContain('Hello Grace,');
      expect(parsed.text).toContain('Accept the invitation: https://partners.example.com/invite#t=abc&x=1');
      expect(parsed.html).toContain('href="https://partners.example.com/invite#t=abc&amp;x=1"');
    } finally {
      mailer.close();
    }
  });

  it('an SMTP server that is down is an error for the caller (to retry), not a lost message', async () => {
    const mailer = new Mailer({ smtpUrl: 'smtp://127.0.0.1:9', from: 'no-reply@partners.example.com', outboxDir: dir, timeoutMs: 2_000 });
    try {
      await expect(mailer.send(invitation('grace@contoso.example', 'Grace'))).rejects.toThrow();
    } finally {
      mailer.close();
    }
  });
});

describe('the local outbox (no SMTP server)', () => {
  it('keeps each message as an .eml file the operator can list, newest first, with its subject decoded', async () => {
    const outboxDir = path.join(dir, 'mail-outbox');
    const mailer = new Mailer({ smtpUrl: null, from: 'no-reply@partners.example.com', outboxDir });
    const first = await mailer.send(invitation('grace@contoso.example', 'Grace'));
    const second = await mailer.send({ to: 'jörg@fabrikam.example', subject: 'Zugang läuft in 7 Tagen ab', text: 'Hallo Jörg' });
    expect(first.via).toBe('outbox');
    expect((await simpleParser(readFileSync(first.file!))).text).toContain('Hello Grace,');
    const list = mailer.outbox();
    expect(list.map((e) => e.subject)).toEqual(['Zugang läuft in 7 Tagen ab', 'You are invited to Contoso Telecom on Partnergate']);
    expect(list[1].to).toBe('grace@contoso.example');
    expect(list[0].file).toBe(second.file);
  });
});

describe('the layout', () => {
  it('escapes interpolated text in the HTML and keeps text and HTML saying the same', () => {
    const m = invitation('grace@contoso.example', '<script>alert(1)</script>');
    expect(m.html).not.toContain('<script>');
    expect(m.html).toContain('Hello &lt;script&gt;alert(1)&lt;/script&gt;,');
    expect(m.html).toContain('href="https://partners.example.com/invite#t=abc&amp;x=1"');
    expect(m.text).toContain('Hello <script>alert(1)</script>,');
  });
});
