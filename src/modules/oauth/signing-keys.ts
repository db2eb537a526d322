/**
 * The authorization server's signing keys: ES256 (P-256) by default, generated on first start,
 * stored with the private part encrypted under the master secret, rotated by
 * `partnergate keys rotate`. A rotated-out key is still published in the JWKS until every token it
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
import { generateKeyPairSync } from 'node:crypto';
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

export type SigningAlg = 'ES256' | 'EdDSA';

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

  /** Read the keys; generate the first one when there is none. */
  async load(ctx: RequestContext): Promise<void> {
    await this.#read();
    this.refreshPublished();
    if (!this.#keys.some((k) => k.status === 'current')) {
      await mutate(this.#d.db, async (trx) => {
        // Guarantee (one current key): two instances starting together take the signing-key
        // lock one after the other; the second finds the first's key.
        await lockOperation(this.#d.db, trx, SIGNING_KEYS_LOCK);
        const existing = await trx.selectFrom('oauth_signing_keys').select('kid').where('status', '=', 'current').executeTakeFirst();
        if (existing) return;
        const key = await generateKey('ES256');
        await this.#insert(trx, key);
        await this.#d.audit.record(trx, ctx, { action: 'oauth.signing_key_created', targetType: 'signing_key', targetId: key.kid, details: { alg: key.alg } });
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
   * A new current key; the previous one is retired and stays published for `retainSec`. Keys
   * retired long enough ago are deleted. Recorded in the change feed so every instance reloads.
   */
  async rotate(ctx: RequestContext, alg: SigningAlg = 'ES256'): Promise<{ kid: string; retired: string[]; removed: string[] }> {
    const key = await generateKey(alg);
    const now = this.#d.clock.now();
    const result = await mutate(this.#d.db, async (trx) => {
      // Guarantee (one current key): the signing-key lock, so two rotations racing (two
      // instances) run one after the other and the second retires the first's new key.
      await lockOperation(this.#d.db, trx, SIGNING_KEYS_LOCK);
      const current = await trx.selectFrom('oauth_signing_keys').select('kid').where('status', '=', 'current').execute();
      const expiresAt = new Date(now.getTime() + this.#d.retainSec * 1000).toISOString();
      for (const c of current) {
        await trx.updateTable('oauth_signing_keys').set({ status: 'retired', retired_at: now.toISOString(), expires_at: expiresAt }).where('kid', '=', c.kid).execute();
      }
      const retired = await trx.selectFrom('oauth_signing_keys').selectAll().where('status', '=', 'retired').execute();
      const gone = retired.filter((r) => this.#publishedUntil(r) < now.getTime());
      if (gone.length) await trx.deleteFrom('oauth_signing_keys').where('kid', 'in', gone.map((g) => g.kid)).execute();
      await this.#insert(trx, key);
      await this.#d.feed.record(trx, SIGNING_KEY_ENTITY, key.kid);
      await this.#d.audit.record(trx, ctx, {
        action: 'oauth.signing_key_rotated',
        targetType: 'signing_key',
        targetId: key.kid,
        details: { alg, retired: current.map((c) => c.kid), retired_published_until: expiresAt, removed: gone.map((g) => g.kid) },
      });
      return { kid: key.kid, retired: current.map((c) => c.kid), removed: gone.map((g) => g.kid) };
    });
    await this.#d.feed.kick();
    await this.reload();
    return result;
  }

  /** The current key (signs new tokens). */
  get current(): PublicKeyInfo {
    const c = this.#keys.find((k) => k.status === 'current');
    if (!c) throw new Error('signing keys are not loaded');
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

  /** Published keys, the current one first, then retired ones newest first. */
  #published(): LoadedKey[] {
    return this.#keys
      .filter((k) => this.#isPublished(k))
      .sort((a, b) => (a.status === b.status ? (b.retired_at ?? b.created_at).localeCompare(a.retired_at ?? a.created_at) : a.status === 'current' ? -1 : 1));
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

/** A fresh key pair as JWKs; the kid is the RFC 7638 thumbprint. */
export async function generateKey(alg: SigningAlg): Promise<{ kid: string; alg: SigningAlg; privateJwk: JWK; publicJwk: JWK }> {
  const pair = alg === 'EdDSA' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'P-256' });
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
