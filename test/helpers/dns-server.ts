/**
 * A real DNS server on loopback for tests (dns2 over UDP on 127.0.0.1 and a free port): it answers
 * TXT questions from a zone the test edits as it goes, NXDOMAIN for names it does not hold, and
 * SERVFAIL for names the test marks as broken. Point DNS_RESOLVER at `address`.
 */
import dns2 from 'dns2';

const { Packet } = dns2;

export interface TestDnsServer {
  /** `127.0.0.1:<port>`, for DNS_RESOLVER */
  address: string;
  /** publish (replace) the TXT values at a name */
  setTxt(name: string, values: string[]): void;
  /** take a name's records away (the name no longer exists) */
  remove(name: string): void;
  /** answer SERVFAIL for this name */
  fail(name: string): void;
  /** names asked, in order */
  asked: string[];
  close(): Promise<void>;
}

export async function startDnsServer(): Promise<TestDnsServer> {
  const zone = new Map<string, string[]>();
  const broken = new Set<string>();
  const asked: string[] = [];
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const [q] = request.questions;
      const name = q.name.toLowerCase().replace(/\.$/, '');
      asked.push(name);
      if (broken.has(name)) {
        response.header.rcode = Packet.RCODE.SERVFAIL;
      } else if (!zone.has(name)) {
        response.header.rcode = Packet.RCODE.NXDOMAIN;
      } else if (q.type === Packet.TYPE.TXT) {
        // a plain record object, as dns2's README writes answers (its typings want a Resource instance)
        for (const value of zone.get(name)!) response.answers.push({ name: q.name, type: Packet.TYPE.TXT, class: Packet.CLASS.IN, ttl: 60, data: value } as unknown as (typeof response.answers)[number]);
      }
      void send(response);
    },
  });
  const addresses = await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
  const port = (addresses.udp as { port: number }).port;
  return {
    address: `127.0.0.1:${port}`,
    setTxt: (name, values) => {
      broken.delete(name);
      zone.set(name, values);
    },
    remove: (name) => {
      zone.delete(name);
      broken.delete(name);
    },
    fail: (name) => broken.add(name),
    asked,
    close: () => server.close(),
  };
}
