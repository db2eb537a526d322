/**
 * The authorization server's signing keys: one current key per managed algorithm — ES256 (P-256),
 * RS256 (RSA 2048, what OpenID Connect expects a relying party to support) and EdDSA (Ed25519,
 * RFC 8037: the cheapest to sign, not every client library verifies it) — generated on
 * first start (an algorithm missing from an older installation gets its key at the next start),
 * stored with the private part encrypted under the master secret, rotated together by
 * `partnergate keys rotate`. Access tokens are signed with the key of ACCESS_TOKEN_SIGNING_ALG
 * (`current`), ID tokens with the key of the client's `id_token_signed_response_alg`; every
 * published key carries `kid`, `alg` and `use: sig`, so a verifier picks the key by kid. A rotated-out key is still published in the JWKS until every token it
 * signed has expired (the longest token lifetime + clock tolerance), so verifiers never see an
 * unknown kid — and not longer: it leaves the published set at that moment, rotation or not.
 *
 * The retention is the longest of what the rotating process computed (stored with the key as
 * `expires_at`) and what this server issues (`retainSec`, from its own ACCESS_TOKEN_TTL): a
 * `keys rotate` run with another setting than the server's cannot cut the old key short. A server
 * that needs longer writes its retire-after time into the row, so `keys list` and the deletion of
 * old keys at the next rotation see it too.
 *
 * The gateway verifies tokens locally against this store (publicJwks / getKey); every instance
 * reloads it when a rotation reaches it through the change feed.
 */
import { generateKeyPair, generateKeyPairSync, type KeyPairKeyObjectResult } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { Db, Tx } from '../../platform/db/database.ts';
import { lockOperation, mutate } from '../../platform/db/database.ts';

/** The advisory lock of creating or rotating the signing keys (rare; never taken on the token path). */
const SIGNING_KEYS_LOCK = 727_003;
import type { Clock } from '../../platform/clock.ts';
import { decryptWithSecret, encryptWithSecret } from '../../platform/crypto.ts';
import { systemContext, type RequestContext } from '../../platform/http/request-context.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { AuditLog } from '../audit/index.ts';

export type SigningAlg = 'ES256' | 'EdDSA' | 'RS256';

/** The algorithms that always have a current key (ACCESS_TOKEN_SIGNING_ALG picks which signs access tokens). */
export const MANAGED_ALGS = ['ES256', 'RS256', 'EdDSA'] as const satisfies readonly SigningAlg[];
export type ManagedAlg = (typeof MANAGED_ALGS)[number];

export interface PublicKeyInfo {
  kid: string;
  alg: string;
  status: 'current' | 'retired';
  created_at: string;
  retired_at: string | null;
  /** when a retired key stops being published */
  expires_at: string | null;
  jwk: JWK;
}

interface LoadedKey extends PublicKeyInfo {
  privateJwk: JWK;
}

export interface SigningKeysDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  feed: ChangeFeed;
  secret: string;
  /** how long a retired key stays published at least: the longest lifetime of a token it signed, seconds */
  retainSec: number;
  /** the algorithm whose key signs access tokens (`current`); ES256 unless configured */
  accessTokenAlg?: ManagedAlg;
}

export const SIGNING_KEY_ENTITY = 'signing_key';

export class SigningKeys {
  readonly #d: SigningKeysDeps;
  #keys: LoadedKey[] = [];
  #byKid = new Map<string, LoadedKey>();
  readonly #listeners = new Set<() => void>();
  /** the published set the listeners last heard about */
  #publishedFingerprint = '';
  /** when (ms) a retired key next leaves the published set */
  #nextChangeAt = Number.POSITIVE_INFINITY;
  #timer: NodeJS.Timeout | null = null;

  constructor(d: SigningKeysDeps) {
    this.#d = d;
  }

  /** Read the keys; generate the current key of each managed algorithm that has none. */
  async load(ctx: RequestContext): Promise<void> {
    await this.#read();
    this.refreshPublished();
    if (MANAGED_ALGS.some((alg) => !this.#currentOf(alg))) {
      await mutate(this.#d.db, async (trx) => {
        // Guarantee (one current key per algorithm): two instances starting together take the
        // signing-key lock one after the other; the second finds the first's keys.
        await lockOperation(this.#d.db, trx, SIGNING_KEYS_LOCK);
        const existing = await trx.selectFrom('oauth_signing_keys').select('alg').where('status', '=', 'current').execute();
        for (const alg of MANAGED_ALGS) {
          if (existing.some((e) => e.alg === alg)) continue;
          const key = await generateKey(alg);
          await this.#insert(trx, key);
          await this.#d.audit.record(trx, ctx, { action: 'oauth.signing_key_created', targetType: 'signing_key', targetId: key.kid, details: { alg: key.alg } });
        }
      });
      await this.#read();
      this.refreshPublished();
    }
  }

  /**
   * Re-read from the database (after a rotation by another process), record this server's longer
   * retention on retired keys, and tell the listeners when the published set changed.
   */
  async reload(): Promise<void> {
    await this.#read();
    await this.#extendRetention();
    this.refreshPublished();
  }

  /**
   * Which keys are published depends on the time: call when `nextChangeAt` has passed (the OAuth
   * edge does on each request; a timer does otherwise). Tells the listeners (the provider is
   * rebuilt, the gateway reloads its keys) when the set changed. Returns whether it did.
   */
  refreshPublished(): boolean {
    const now = this.#d.clock.nowMs();
    const published = this.#published();
    const fingerprint = published.map((k) => `${k.kid}:${k.status}`).join(',');
    this.#nextChangeAt = Math.min(Number.POSITIVE_INFINITY, ...published.filter((k) => k.status === 'retired').map((k) => this.#publishedUntil(k)));
    this.#schedule(now);
    if (fingerprint === this.#publishedFingerprint) return false;
    const first = this.#publishedFingerprint === '';
    this.#publishedFingerprint = fingerprint;
    if (!first) for (const l of this.#listeners) l();
    return true;
  }

  /** When (ms since the epoch) the published set next changes by itself; Infinity when it does not. */
  get nextChangeAt(): number {
    return this.#nextChangeAt;
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #schedule(now: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (!Number.isFinite(this.#nextChangeAt)) return;
    const delay = Math.min(Math.max(0, this.#nextChangeAt - now) + 50, 2 ** 31 - 1);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.refreshPublished();
    }, delay);
    this.#timer.unref();
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * A new current key for every managed algorithm; the previous ones are retired and stay
   * published for `retainSec`. Keys retired long enough ago are deleted. Recorded in the change
   * feed so every instance reloads. `kid` is the new access-token key; `kids` every new key.
   */
  async rotate(ctx: RequestContext): Promise<{ kid: string; kids: Record<ManagedAlg, string>; retired: string[]; removed: string[] }> {
    const fresh = await Promise.all(MANAGED_ALGS.map((alg) => generateKey(alg)));
    const now = this.#d.clock.now();
    const result = await mutate(this.#d.db, async (trx) => {
      // Guarantee (one current key per algorithm): the signing-key lock, so two rotations racing
      // (two instances) run one after the other and the second retires the first's new keys.
      await lockOperation(this.#d.db, trx, SIGNING_KEYS_LOCK);
      const current = await trx.selectFrom('oauth_signing_keys').select(['kid', 'alg']).where('status', '=', 'current').execute();
      const expiresAt = new Date(now.getTime() + this.#d.retainSec * 1000).toISOString();
      if (current.length) {
        await trx.updateTable('oauth_signing_keys').set({ status: 'retired', retired_at: now.toISOString(), expires_at: expiresAt }).where('kid', 'in', current.map((c) => c.kid)).execute();
      }
      const retired = await trx.selectFrom('oauth_signing_keys').selectAll().where('status', '=', 'retired').execute();
      const gone = retired.filter((r) => this.#publishedUntil(r) < now.getTime());
      if (gone.length) await trx.deleteFrom('oauth_signing_keys').where('kid', 'in', gone.map((g) => g.kid)).execute();
      for (const key of fresh) {
        await this.#insert(trx, key);
        await this.#d.feed.record(trx, SIGNING_KEY_ENTITY, key.kid);
        const previous = current.filter((c) => c.alg === key.alg).map((c) => c.kid);
        await this.#d.audit.record(trx, ctx, {
          action: 'oauth.signing_key_rotated',
          targetType: 'signing_key',
          targetId: key.kid,
          details: { alg: key.alg, retired: previous, retired_published_until: expiresAt, removed: gone.filter((g) => g.alg === key.alg).map((g) => g.kid) },
        });
      }
      const kids = Object.fromEntries(fresh.map((k) => [k.alg, k.kid])) as Record<ManagedAlg, string>;
      return { kid: kids[this.#accessTokenAlg], kids, retired: current.map((c) => c.kid), removed: gone.map((g) => g.kid) };
    });
    await this.#d.feed.kick();
    await this.reload();
    return result;
  }

  get #accessTokenAlg(): ManagedAlg {
    return this.#d.accessTokenAlg ?? 'ES256';
  }

  #currentOf(alg: string): LoadedKey | undefined {
    return this.#keys.find((k) => k.status === 'current' && k.alg === alg);
  }

  /** The current key of ACCESS_TOKEN_SIGNING_ALG (signs new access tokens). */
  get current(): PublicKeyInfo {
    return this.currentFor(this.#accessTokenAlg);
  }

  /** The current key of an algorithm (signs new tokens of that algorithm). */
  currentFor(alg: ManagedAlg): PublicKeyInfo {
    const c = this.#currentOf(alg);
    if (!c) throw new Error(`no current ${alg} signing key: the signing keys are not loaded`);
    return strip(c);
  }

  /** Every key a verifier must accept now: the current one and retired ones not yet expired. */
  list(): PublicKeyInfo[] {
    return this.#published().map(strip);
  }

  /** The public JSON Web Key Set (what /oauth/jwks serves). */
  publicJwks(): { keys: JWK[] } {
    return { keys: this.#published().map((k) => k.jwk) };
  }

  /** The public JWK of a published key, by kid. */
  getKey(kid: string): JWK | undefined {
    const k = this.#byKid.get(kid);
    return k && this.#isPublished(k) ? k.jwk : undefined;
  }

  /**
   * The private keys for oidc-provider: the current key first; retired ones marked verify-only
   * (`key_ops`) so the library publishes them but never signs with them.
   */
  providerJwks(): { keys: JWK[] } {
    const keys = this.#published().map((k) => (k.status === 'current' ? { ...k.privateJwk } : { ...k.privateJwk, key_ops: ['verify'] }));
    return { keys };
  }

  /**
   * Published keys: the current ones first (the access-token key before the others), then retired
   * ones newest first; within one time, in MANAGED_ALGS order.
   */
  #published(): LoadedKey[] {
    const rank = (k: LoadedKey) => (k.status === 'current' ? (k.alg === this.#accessTokenAlg ? 0 : 1) : 2);
    const algRank = (k: LoadedKey) => (MANAGED_ALGS as readonly string[]).indexOf(k.alg);
    return this.#keys
      .filter((k) => this.#isPublished(k))
      .sort((a, b) => rank(a) - rank(b) || (b.retired_at ?? b.created_at).localeCompare(a.retired_at ?? a.created_at) || algRank(a) - algRank(b));
  }

  /** A retired key is published until the later of its stored time and this server's own retention. */
  #publishedUntil(k: Pick<PublicKeyInfo, 'expires_at' | 'retired_at' | 'created_at'>): number {
    const stored = k.expires_at !== null ? Date.parse(k.expires_at) : 0;
    const retired = Date.parse(k.retired_at ?? k.created_at);
    return Math.max(stored, retired + this.#d.retainSec * 1000);
  }

  #isPublished(k: LoadedKey): boolean {
    return k.status === 'current' || this.#publishedUntil(k) > this.#d.clock.nowMs();
  }

  /**
   * A key retired by a process that computed a shorter retention (e.g. `keys rotate` with a
   * smaller ACCESS_TOKEN_TTL): store this server's later retire-after time with it. Only ever
   * extends (two servers with different settings end on the longest), audited.
   */
  async #extendRetention(): Promise<void> {
    const short = this.#keys.filter((k) => k.status === 'retired' && k.expires_at !== null && Date.parse(k.expires_at) < this.#publishedUntil(k) && this.#isPublished(k));
    if (short.length === 0) return;
    await mutate(this.#d.db, async (trx) => {
      for (const k of short) {
        const until = new Date(this.#publishedUntil(k)).toISOString();
        const r = await trx.updateTable('oauth_signing_keys').set({ expires_at: until }).where('kid', '=', k.kid).where('status', '=', 'retired').where('expires_at', '<', until).executeTakeFirst();
        if (Number(r.numUpdatedRows) === 0) continue;
        await this.#d.audit.record(trx, systemContext('oauth-key-retention'), {
          action: 'oauth.signing_key_retention_extended',
          targetType: 'signing_key',
          targetId: k.kid,
          details: { from: k.expires_at, to: until, reason: "this server's longest token lifetime outlasts the retention set at rotation" },
        });
        k.expires_at = until;
      }
    });
  }

  async #read(): Promise<void> {
    const rows = await this.#d.db.kysely.selectFrom('oauth_signing_keys').selectAll().orderBy('created_at', 'desc').execute();
    this.#keys = rows.map((r) => ({
      kid: r.kid,
      alg: r.alg,
      status: r.status,
      created_at: r.created_at,
      retired_at: r.retired_at,
      expires_at: r.expires_at,
      jwk: JSON.parse(r.public_jwk) as JWK,
      privateJwk: JSON.parse(decryptWithSecret(this.#d.secret, r.private_jwk)) as JWK,
    }));
    this.#byKid = new Map(this.#keys.map((k) => [k.kid, k]));
  }

  async #insert(trx: Tx, key: { kid: string; alg: string; privateJwk: JWK; publicJwk: JWK }): Promise<void> {
    await trx
      .insertInto('oauth_signing_keys')
      .values({
        kid: key.kid,
        alg: key.alg,
        private_jwk: encryptWithSecret(this.#d.secret, JSON.stringify(key.privateJwk)),
        public_jwk: JSON.stringify(key.publicJwk),
        status: 'current',
        created_at: this.#d.clock.now().toISOString(),
        retired_at: null,
        expires_at: null,
      })
      .execute();
  }
}

function strip(k: LoadedKey): PublicKeyInfo {
  return { kid: k.kid, alg: k.alg, status: k.status, created_at: k.created_at, retired_at: k.retired_at, expires_at: k.expires_at, jwk: k.jwk };
}

/** A fresh key pair as JWKs; the kid is the RFC 7638 thumbprint. RS256 keys are RSA 2048 (RFC 7518 §3.3's minimum). */
export async function generateKey(alg: SigningAlg): Promise<{ kid: string; alg: SigningAlg; privateJwk: JWK; publicJwk: JWK }> {
  const pair =
    alg === 'EdDSA'
      ? generateKeyPairSync('ed25519')
      : alg === 'RS256'
        ? await generateRsa()
        : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privateJwk = pair.privateKey.export({ format: 'jwk' }) as JWK;
  const publicBase = pair.publicKey.export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint(publicBase);
  return {
    kid,
    alg,
    privateJwk: { ...privateJwk, kid, alg, use: 'sig' },
    publicJwk: { ...publicBase, kid, alg, use: 'sig' },
  };
}

/** RSA key generation takes tens of milliseconds: off the event loop. */
function generateRsa(): Promise<KeyPairKeyObjectResult> {
  return new Promise((resolve, reject) => generateKeyPair('rsa', { modulusLength: 2048 }, (err, publicKey, privateKey) => (err ? reject(err) : resolve({ publicKey, privateKey }))));
}
