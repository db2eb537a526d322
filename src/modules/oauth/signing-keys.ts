/**
 * The authorization server's signing keys: ES256 (P-256) by default, generated on first start,
 * stored with the private part encrypted under the master secret, rotated by
 * `partnergate keys rotate`. A rotated-out key is still published in the JWKS until every token it
 * signed has expired (access token TTL + clock tolerance), so verifiers never see an unknown kid.
 *
 * The gateway verifies tokens locally against this store (publicJwks / getKey); every instance
 * reloads it when a rotation reaches it through the change feed.
 */
import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { Db, Tx } from '../../platform/db/database.ts';
import { mutate } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import { decryptWithSecret, encryptWithSecret } from '../../platform/crypto.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
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
  /** how long a retired key stays published: the longest lifetime of a token it signed, seconds */
  retainSec: number;
}

export const SIGNING_KEY_ENTITY = 'signing_key';

export class SigningKeys {
  readonly #d: SigningKeysDeps;
  #keys: LoadedKey[] = [];
  #byKid = new Map<string, LoadedKey>();
  readonly #listeners = new Set<() => void>();

  constructor(d: SigningKeysDeps) {
    this.#d = d;
  }

  /** Read the keys; generate the first one when there is none. */
  async load(ctx: RequestContext): Promise<void> {
    await this.#read();
    if (!this.#keys.some((k) => k.status === 'current')) {
      await mutate(this.#d.db, async (trx) => {
        // Two instances starting together: the write lock orders them, the second finds the key.
        const existing = await trx.selectFrom('oauth_signing_keys').select('kid').where('status', '=', 'current').executeTakeFirst();
        if (existing) return;
        const key = await generateKey('ES256');
        await this.#insert(trx, key);
        await this.#d.audit.record(trx, ctx, { action: 'oauth.signing_key_created', targetType: 'signing_key', targetId: key.kid, details: { alg: key.alg } });
      });
      await this.#read();
    }
  }

  /** Re-read from the database (after a rotation by another process) and tell the listeners. */
  async reload(): Promise<void> {
    const before = this.#fingerprint();
    await this.#read();
    if (this.#fingerprint() !== before) for (const l of this.#listeners) l();
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
      const current = await trx.selectFrom('oauth_signing_keys').select('kid').where('status', '=', 'current').execute();
      const expiresAt = new Date(now.getTime() + this.#d.retainSec * 1000).toISOString();
      for (const c of current) {
        await trx.updateTable('oauth_signing_keys').set({ status: 'retired', retired_at: now.toISOString(), expires_at: expiresAt }).where('kid', '=', c.kid).execute();
      }
      const gone = await trx.selectFrom('oauth_signing_keys').select('kid').where('status', '=', 'retired').where('expires_at', '<', now.toISOString()).execute();
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
    this.#d.feed.kick();
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

  #isPublished(k: LoadedKey): boolean {
    return k.status === 'current' || (k.expires_at !== null && k.expires_at > this.#d.clock.now().toISOString());
  }

  #fingerprint(): string {
    return this.#keys.map((k) => `${k.kid}:${k.status}`).join(',');
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
