/**
 * A real SMTP server for a test file: every message Partnergate sends lands in `inbox` (envelope
 * recipients in lower case, subject and plain text), read back with `to(address)`. Listens on a
 * free loopback port; `config` is what startTestApp needs to send through it.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface Delivered {
  to: string[];
  subject: string;
  text: string;
  /** the HTML part, when the message has one */
  html: string;
}

export interface TestInbox {
  inbox: Delivered[];
  /** the messages delivered to one address */
  to(address: string): Delivered[];
  /** SMTP_URL and MAIL_FROM for startTestApp */
  config: { SMTP_URL: string; MAIL_FROM: string };
  close(): Promise<void>;
}

export async function startInbox(): Promise<TestInbox> {
  const inbox: Delivered[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((m) => {
          inbox.push({ to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()), subject: m.subject ?? '', text: m.text ?? '', html: typeof m.html === 'string' ? m.html : '' });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  return {
    inbox,
    to: (address) => inbox.filter((m) => m.to.includes(address.toLowerCase())),
    config: { SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`, MAIL_FROM: 'Partnergate <no-reply@partners.example.com>' },
    close: () => new Promise<void>((r) => smtp.close(() => r())),
  };
}
