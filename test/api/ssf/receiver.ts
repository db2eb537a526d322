/**
 * A real RFC 8935 push receiver on loopback for the Shared Signals tests: it keeps what it is sent
 * (headers, body, when), answers 202 (or what the test asks for), and can go down and come back
 * on the same port.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  at: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export class Receiver {
  readonly received: Received[] = [];
  /** what to answer: status and body */
  answer: { status: number; body?: string } = { status: 202 };
  #server: Server | null = null;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/events`;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ at: Date.now(), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(this.answer.status, this.answer.body ? { 'content-type': 'application/json' } : {});
        res.end(this.answer.body ?? '');
      });
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
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Poll until a SET satisfying `match` arrived; throws after `ms`. */
  async waitFor(match: (r: Received) => boolean, ms: number): Promise<Received> {
    const t0 = Date.now();
    for (;;) {
      const hit = this.received.find(match);
      if (hit) return hit;
      if (Date.now() - t0 > ms) throw new Error(`no matching SET within ${ms} ms (received ${this.received.length})`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

/** The payload of a compact JWS, unverified (to pick a SET out of what arrived). */
export function payloadOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}
