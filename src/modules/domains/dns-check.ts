/**
 * The DNS side of domain verification: looks up the TXT records at `_partnergate.<domain>` through
 * node's resolver (the DNS_RESOLVER server, else the system's) and says in words what it found.
 * A DNS failure is an outcome, never an exception: the caller stores the words and shows them.
 */
import { Resolver } from 'node:dns/promises';

/** The name the TXT record is published at: a name of its own, so the domain's other TXT records stay as they are. */
export const RECORD_PREFIX = '_partnergate';
export const VALUE_PREFIX = 'partnergate-verification=';

export function recordName(domain: string): string {
  return `${RECORD_PREFIX}.${domain}`;
}

export function recordValue(token: string): string {
  return `${VALUE_PREFIX}${token}`;
}

/**
 * `definite`: DNS answered, and the record is not there (no such name, no TXT record, another value). Not definite:
 * no answer could be had (a timeout, a refusal, a server failure), which says nothing about the record.
 */
export type TxtCheck = { found: true } | { found: false; definite: boolean; reason: string };

export interface TxtChecker {
  check(domain: string, token: string): Promise<TxtCheck>;
}

/** Per try; two tries: a check answers within about 6 seconds even when the server never does. */
const TIMEOUT_MS = 3000;
const TRIES = 2;

export class DnsTxtChecker implements TxtChecker {
  readonly #server: string | null;
  constructor(server: string | null) {
    this.#server = server;
  }

  async check(domain: string, token: string): Promise<TxtCheck> {
    const name = recordName(domain);
    const resolver = new Resolver({ timeout: TIMEOUT_MS, tries: TRIES });
    if (this.#server) resolver.setServers([this.#server]);
    let records: string[][];
    try {
      records = await resolver.resolveTxt(name);
    } catch (err) {
      const code = (err as { code?: string }).code;
      return { found: false, definite: code === 'ENODATA' || code === 'ENOTFOUND', reason: explain(name, code) };
    } finally {
      resolver.cancel();
    }
    // a long TXT value arrives as several strings of at most 255 characters: one record is their concatenation
    const values = records.map((chunks) => chunks.join('').trim());
    const expected = recordValue(token);
    if (values.includes(expected)) return { found: true };
    const ours = values.filter((v) => v.startsWith(VALUE_PREFIX));
    if (ours.length > 0) return { found: false, definite: true, reason: `The TXT record at ${name} has a value that does not match: expected ${expected}.` };
    return { found: false, definite: true, reason: `No TXT record with the verification value was found at ${name}.` };
  }
}

function explain(name: string, code: string | undefined): string {
  switch (code) {
    case 'ENODATA':
    case 'ENOTFOUND':
      return `No TXT record was found at ${name}.`;
    case 'ETIMEOUT':
    case 'ECONNREFUSED':
      return 'The DNS server did not answer; try again in a few minutes.';
    case 'ESERVFAIL':
      return `The DNS server could not answer for ${name} (server failure); try again in a few minutes.`;
    case 'EREFUSED':
      return `The DNS server refused to answer for ${name}.`;
    default:
      return `The DNS lookup of ${name} failed${code ? ` (${code})` : ''}; try again in a few minutes.`;
  }
}
