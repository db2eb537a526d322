/**
 * The public keys an app publishes at its key set address (its `jwks_uri`), as the authorization
 * server uses them for private_key_jwt client authentication, signed request objects (RFC 9101)
 * and JWT bearer assertions (RFC 7523): the library is handed them as the client's `jwks`, so each
 * of those checks reads the same keys.
 *
 *  - read through the outbound client (the address policy of webhooks, SAML metadata and OIDC
 *    discovery: no private, loopback or link-local address unless the operator allows them), with
 *    its time limit and answer size;
 *  - kept KEY_SET_TTL_MS, then read again;
 *  - read again at once when a request is signed with a key id the kept set does not hold (the app
 *    rotated its keys) — once: at most once every REFETCH_MIN_MS per address, so requests naming
 *    made-up key ids do not make Partnergate call the app's server for each of them;
 *  - a failed read keeps the keys read before (until a read succeeds) and is retried no sooner
 *    than REFETCH_MIN_MS; an address never read well has no keys, so every signature fails.
 * Per instance: each instance reads the address itself.
 */
import { decodeProtectedHeader, type JWK } from 'jose';
import type { Clock } from '../../platform/clock.ts';
import type { OutboundResult } from '../../platform/outbound/outbound-http.ts';
import { PRIVATE_JWK_MEMBERS } from '../apps/index.ts';

export const KEY_SET_TTL_MS = 5 * 60_000;
export const REFETCH_MIN_MS = 30_000;
const MAX_SETS = 1000;
/** The request parameters that carry a JWT an app signs with its keys. */
const SIGNED_PARAMS = ['client_assertion', 'request', 'assertion'];

/** OutboundClient.get: a bounded answer, never a throw for what the other side does */
type Get = (url: string, headers: Record<string, string>) => Promise<OutboundResult>;

interface Entry {
  keys: JWK[];
  /** when the keys were read well (0: never) */
  readAt: number;
  /** when a read was last tried */
  triedAt: number;
  pending: Promise<void> | null;
}

export class AppKeySets {
  readonly #clock: Clock;
  readonly #get: Get;
  readonly #onError: (err: unknown, uri: string) => void;
  readonly #sets = new Map<string, Entry>();

  constructor(d: { clock: Clock; get: Get; onError?: (err: unknown, uri: string) => void }) {
    this.#clock = d.clock;
    this.#get = d.get;
    this.#onError = d.onError ?? (() => undefined);
  }

  /** The keys published at `uri`, read again when stale or when `wantedKids` names one they lack (rate-limited). */
  async keys(uri: string, wantedKids: readonly string[] = []): Promise<JWK[]> {
    let e = this.#sets.get(uri);
    if (!e) {
      if (this.#sets.size >= MAX_SETS) this.#sets.clear();
      e = { keys: [], readAt: 0, triedAt: 0, pending: null };
      this.#sets.set(uri, e);
    }
    const now = this.#clock.nowMs();
    const stale = now - e.readAt >= KEY_SET_TTL_MS;
    const unknownKid = wantedKids.some((kid) => !e.keys.some((k) => k.kid === kid));
    const mayRead = e.triedAt === 0 || now - e.triedAt >= REFETCH_MIN_MS;
    if ((stale || unknownKid) && mayRead) {
      e.pending ??= this.#read(uri, e).finally(() => (e.pending = null));
      await e.pending;
    } else if (e.pending) await e.pending;
    return e.keys;
  }

  async #read(uri: string, e: Entry): Promise<void> {
    e.triedAt = this.#clock.nowMs();
    try {
      const res = await this.#get(uri, { accept: 'application/jwk-set+json, application/json' });
      if (!res.ok) throw new Error(`the key set address could not be read: ${res.detail}`);
      if (res.status !== 200 || res.truncated) throw new Error(res.truncated ? 'the key set address answered more than a key set' : `the key set address answered ${res.status}`);
      const body = JSON.parse(res.body) as { keys?: unknown };
      if (!Array.isArray(body.keys)) throw new Error('the key set address answered no JSON Web Key Set');
      // public signing keys only: a private member or a secret key is dropped, never used
      e.keys = body.keys.filter((k): k is JWK => isPublicKey(k));
      e.readAt = this.#clock.nowMs();
    } catch (err) {
      this.#onError(err, uri);
    }
  }
}

function isPublicKey(k: unknown): boolean {
  if (!k || typeof k !== 'object') return false;
  const j = k as Record<string, unknown>;
  if (!['EC', 'RSA', 'OKP'].includes(String(j.kty))) return false;
  if (PRIVATE_JWK_MEMBERS.some((m) => m in j)) return false;
  return j.use === undefined || j.use === 'sig';
}

/** The key ids the JWTs of this request name (client assertion, request object, JWT bearer assertion). */
export function requestedKids(params: Record<string, unknown> | undefined): string[] {
  const out: string[] = [];
  for (const name of SIGNED_PARAMS) {
    const v = params?.[name];
    if (typeof v !== 'string' || v.length > 16_384) continue;
    try {
      const { kid } = decodeProtectedHeader(v);
      if (typeof kid === 'string' && kid.length <= 200) out.push(kid);
    } catch {
      // not a JWT: the library refuses it
    }
  }
  return out;
}
