/**
 * The address policy inside the connection (src/platform/outbound/outbound-http.ts): whatever URL
 * reaches the dispatcher, checked beforehand or not, an IP literal of a special-purpose range is
 * refused before a socket opens, and a host name is dialled only at the public addresses its own
 * lookup gives — so a name that looks public but resolves to this machine (DNS rebinding) is refused.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedConnector, isBlockedAddress, OutboundClient, refuseUrl } from '../../../src/platform/outbound/outbound-http.ts';

let server: Server;
let port: number;
let heard = 0;
beforeAll(async () => {
  server = createServer((_req, res) => {
    heard += 1;
    res.writeHead(204).end();
  });
  // every address of this machine, IPv4 and IPv6, so a dial that got through would be heard
  await new Promise<void>((r) => server.listen(0, '::', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const agent = new Agent({ connect: guardedConnector(2_000) });
const open = new Agent({ connect: { timeout: 2_000 } });
afterAll(async () => {
  await agent.close();
  await open.close();
});

async function dial(url: string, dispatcher: Agent): Promise<string> {
  try {
    const r = await request(url, { dispatcher, method: 'POST', body: '{}' });
    await r.body.dump();
    return `answered ${r.statusCode}`;
  } catch (e) {
    const err = e as { code?: string; cause?: { code?: string } };
    return err.code ?? err.cause?.code ?? 'failed';
  }
}

describe('the connection refuses what the policy refuses, whatever URL reaches it', () => {
  it.each(['127.0.0.1', '[::1]', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]'])('the literal %s is refused before a socket opens', async (host) => {
    const before = heard;
    // the same URL is heard through a dispatcher without the guard: the refusal is the guard's
    expect(await dial(`http://${host}:${port}/x`, open)).toBe('answered 204');
    expect(heard).toBe(before + 1);
    expect(await dial(`http://${host}:${port}/x`, agent)).toBe('PG_ADDRESS_REFUSED');
    expect(heard).toBe(before + 1);
  });

  it.each(['[::127.0.0.1]', '[64:ff9b::7f00:1]', '[2002:7f00:1::1]', '[fe80::1]', '10.0.0.1', '169.254.169.254', '0.0.0.0'])('the literal %s is refused before a socket opens', async (host) => {
    const before = heard;
    expect(await dial(`http://${host}:${port}/x`, agent)).toBe('PG_ADDRESS_REFUSED');
    expect(heard).toBe(before);
  });

  it('a public-looking name that resolves to this machine is refused in the connection’s own lookup (DNS rebinding)', async () => {
    // this machine's own name passes every check of the URL; its address is only known from the lookup
    const name = hostname();
    const { address } = await lookup(name);
    expect(isBlockedAddress(address), `${name} → ${address}`).toBe(true);
    expect(refuseUrl(`http://${name}:${port}/x`, false)).toBeNull();
    const before = heard;
    expect(await dial(`http://${name}:${port}/x`, open)).toBe('answered 204');
    expect(await dial(`http://${name}:${port}/x`, agent)).toBe('PG_ADDRESS_REFUSED');
    expect(await dial(`http://localhost:${port}/x`, agent)).toBe('PG_ADDRESS_REFUSED');
    expect(heard).toBe(before + 1);
  });

  it('OutboundClient reports a refusal in the connection as address_not_allowed, naming the address', async () => {
    const guarded = new OutboundClient({ allowPrivate: false, timeoutMs: 2_000, maxResponseBytes: 1024 });
    const local = new OutboundClient({ allowPrivate: true, timeoutMs: 2_000, maxResponseBytes: 1024 });
    try {
      const before = heard;
      const r = await guarded.post(`http://${hostname()}:${port}/x`, {}, '{}');
      expect(r).toMatchObject({ ok: false, failure: 'address_not_allowed' });
      if (!r.ok) expect(r.detail).toMatch(/resolves only to refused addresses: .*loopback/);
      expect(heard).toBe(before);
      // allowed private targets: the same name is called
      expect(await local.post(`http://${hostname()}:${port}/x`, {}, '{}')).toMatchObject({ ok: true, status: 204 });
    } finally {
      await guarded.close();
      await local.close();
    }
  });
});
