/**
 * Real receivers on loopback for the audit streaming tests: a syslog server over TLS (RFC 5425)
 * with a self-signed certificate made here, which splits the octet-counted stream into RFC 5424
 * messages and parses them; it can go down and come back on the same port. (The HTTP receiver of
 * the webhook and OTLP tests is the Shared Signals tests' one.)
 */
import { generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { selfSignedCertificate } from '../../../src/modules/sso/saml/sp-credentials.ts';

export interface SyslogMessage {
  pri: number;
  version: number;
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  /** SD-ID → PARAM-NAME → value */
  sd: Record<string, Record<string, string>>;
  msg: string;
}

/** A self-signed certificate for `localhost` (checked by its common name) and its key. */
export function localhostCertificate(): { key: string; cert: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const now = Date.now();
  const cert = selfSignedCertificate(privateKey, 'localhost', new Date(now - 86_400_000), new Date(now + 86_400_000));
  return { key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), cert };
}

/** RFC 5424 §6: HEADER SP STRUCTURED-DATA [SP MSG]. */
export function parseSyslog(text: string): SyslogMessage {
  const m = /^<(\d{1,3})>(\d) (\S+) (\S+) (\S+) (\S+) (\S+) (-|(?:\[(?:[^\]\\"]|"(?:[^"\\]|\\.)*")*\])+)(?: ([\s\S]*))?$/.exec(text);
  if (!m) throw new Error(`not an RFC 5424 message: ${text.slice(0, 120)}`);
  const sd: SyslogMessage['sd'] = {};
  for (const el of m[8] === '-' ? [] : m[8].matchAll(/\[([^ \]]+)((?: [^=]+="(?:[^"\\]|\\.)*")*)\]/g)) {
    const params: Record<string, string> = {};
    for (const p of el[2].matchAll(/ ([^=]+)="((?:[^"\\]|\\.)*)"/g)) params[p[1]] = p[2].replace(/\\(["\\\]])/g, '$1');
    sd[el[1]] = params;
  }
  const msg = (m[9] ?? '').replace(/^\uFEFF/, '');
  return { pri: Number(m[1]), version: Number(m[2]), timestamp: m[3], hostname: m[4], appName: m[5], procId: m[6], msgId: m[7], sd, msg };
}

/** RFC 5425 §4.3: MSG-LEN SP SYSLOG-MSG, repeated; returns the whole frames and what is left over. */
export function splitFrames(buf: Buffer): { frames: string[]; rest: Buffer } {
  const frames: string[] = [];
  let at = 0;
  for (;;) {
    const sp = buf.indexOf(0x20, at);
    if (sp < 0) break;
    const len = Number(buf.subarray(at, sp).toString('ascii'));
    if (!Number.isInteger(len) || len <= 0) throw new Error(`bad MSG-LEN at byte ${at}`);
    if (buf.length < sp + 1 + len) break;
    frames.push(buf.subarray(sp + 1, sp + 1 + len).toString('utf8'));
    at = sp + 1 + len;
  }
  return { frames, rest: buf.subarray(at) };
}

export class SyslogTlsReceiver {
  readonly messages: SyslogMessage[] = [];
  /** messages per connection (one connection is one batch) */
  readonly batches: number[] = [];
  readonly credentials = localhostCertificate();
  port = 0;
  #server: Server | null = null;
  readonly #sockets = new Set<TLSSocket>();

  get address(): string {
    return `localhost:${this.port}`;
  }

  async start(): Promise<this> {
    const server = createServer({ key: this.credentials.key, cert: this.credentials.cert }, (socket) => {
      this.#sockets.add(socket);
      const batch = this.batches.push(0) - 1;
      let pending: Buffer = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        const { frames, rest } = splitFrames(Buffer.concat([pending, chunk]));
        pending = rest;
        for (const f of frames) this.messages.push(parseSyslog(f));
        this.batches[batch] += frames.length;
      });
      socket.on('error', () => {});
      socket.on('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.#server = server;
    return this;
  }

  async stop(): Promise<void> {
    const s = this.#server;
    this.#server = null;
    if (!s) return;
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
