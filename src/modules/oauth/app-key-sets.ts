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
 *  - what was last read and why the last read failed, for the app's owner (view): the keys by id
 *    and algorithm, when, and the failure as a code the portal puts in words.
 * Per instance: each instance reads the address itself, and the owner sees the answering one's reads.
 */
import { decodeProtectedHeader, type JWK } from 'jose';
import type { Clock } from '../../platform/clock.ts';
import type { OutboundFailure, OutboundResult } from '../../platform/outbound/outbound-http.ts';
import { PRIVATE_JWK_MEMBERS } from '../apps/index.ts';

export const KEY_SET_TTL_MS = 5 * 60_000;
export const REFETCH_MIN_MS = 30_000;
const MAX_SETS = 1000;
/** The request parameters that carry a JWT an app signs with its keys. */
const SIGNED_PARAMS = ['client_assertion', 'request', 'assertion'];

/** OutboundClient.get: a bounded answer, never a throw for what the other side does */
type Get = (url: string, headers: Record<string, string>) => Promise<OutboundResult>;

/** Why the last read of a key set address failed: the outbound policy's reasons, or what the answer was. */
export type KeySetFailureCode = OutboundFailure | 'bad_status' | 'too_large' | 'not_a_key_set';

export interface KeySetFailure {
  code: KeySetFailureCode;
  /** the HTTP status, for bad_status */
  status: number | null;
  at: string;
}

/** What the owner of an app sees of its key set address: the keys last read there, when, and the last failure. */
export interface KeySetView {
  address: string;
  read_at: string | null;
  keys: { kid: string | null; alg: string | null; kty: string; crv: string | null }[];
  /** the last read failed (the keys, if any, are from an earlier read); null when it succeeded */
  failure: KeySetFailure | null;
}

class ReadFailed extends Error {
  readonly failure: Omit<KeySetFailure, 'at'>;
  constructor(code: KeySetFailureCode, detail: string, status: number | null = null) {
    super(detail);
    this.failure = { code, status };
  }
}

interface Entry {
  keys: JWK[];
  /** when the keys were read well (0: never) */
  readAt: number;
  /** when a read was last tried */
  triedAt: number;
  /** why the last read failed; null when it succeeded (or none was tried) */
  failure: KeySetFailure | null;
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
    const e = this.#entry(uri);
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

  /** What was last read at `uri` (read now when this instance never tried it), for the app's owner. */
  async view(uri: string): Promise<KeySetView> {
    const e = this.#entry(uri);
    if (e.triedAt === 0) await this.keys(uri);
    else if (e.pending) await e.pending;
    return {
      address: uri,
      read_at: e.readAt ? new Date(e.readAt).toISOString() : null,
      keys: e.keys.map((k) => ({ kid: k.kid ?? null, alg: k.alg ?? null, kty: String(k.kty), crv: typeof k.crv === 'string' ? k.crv : null })),
      failure: e.failure,
    };
  }

  #entry(uri: string): Entry {
    let e = this.#sets.get(uri);
    if (!e) {
      if (this.#sets.size >= MAX_SETS) this.#sets.clear();
      e = { keys: [], readAt: 0, triedAt: 0, failure: null, pending: null };
      this.#sets.set(uri, e);
    }
    return e;
  }

  async #read(uri: string, e: Entry): Promise<void> {
    e.triedAt = this.#clock.nowMs();
    try {
      const res = await this.#get(uri, { accept: 'application/jwk-set+json, application/json' });
      if (!res.ok) throw new ReadFailed(res.failure, `the key set address could not be read: ${res.detail}`);
      if (res.truncated) throw new ReadFailed('too_large', 'the key set address answered more than a key set');
      if (res.status !== 200) throw new ReadFailed('bad_status', `the key set address answered ${res.status}`, res.status);
      const keys = parseKeySet(res.body);
      if (!keys) throw new ReadFailed('not_a_key_set', 'the key set address answered no JSON Web Key Set');
      // public signing keys only: a private member or a secret key is dropped, never used
      e.keys = keys.filter((k): k is JWK => isPublicKey(k));
      e.readAt = this.#clock.nowMs();
      e.failure = null;
    } catch (err) {
      const failure = err instanceof ReadFailed ? err.failure : { code: 'connection_failed' as const, status: null };
      e.failure = { ...failure, at: new Date(this.#clock.nowMs()).toISOString() };
      this.#onError(err, uri);
    }
  }
}

function parseKeySet(body: string): unknown[] | null {
  try {
    const parsed = JSON.parse(body) as { keys?: unknown } | null;
    return parsed && Array.isArray(parsed.keys) ? parsed.keys : null;
  } catch {
    return null;
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
