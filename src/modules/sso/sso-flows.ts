/**
 * Sign-ins in progress (SsoFlow): kept server-side, single use, short-lived. The browser carries only
 * the random `state`; the store is keyed by its SHA-256 and holds the flow encrypted with the master
 * secret (the nonce and the PKCE verifier are secrets until used). Redis when configured (every
 * instance sees the same flows; a taken flow stays marked "used" until it expires, so a replay is told
 * apart from a forgery), else the sso_flows table.
 */
import type { Redis } from 'ioredis';
import type { Db } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import { decryptWithSecret, encryptWithSecret, randomToken, sha256 } from '../../platform/crypto.ts';
import type { SsoFlow } from './sso.types.ts';

export type TakenFlow = { ok: true; flow: SsoFlow } | { ok: false; reason: 'unknown' | 'used' };

export interface FlowStore {
  /** a fresh state, not yet stored */
  newState(): string;
  put(state: string, flow: SsoFlow): Promise<void>;
  /** the flow once: a second take says "used"; a state never issued (or expired) says "unknown" */
  take(state: string): Promise<TakenFlow>;
}

interface Deps {
  db: Db;
  clock: Clock;
  secretKey: string;
  ttlMs: number;
  redis: Redis | null;
  redisPrefix: string;
}

export function createFlowStore(d: Deps): FlowStore {
  const seal = (f: SsoFlow) => encryptWithSecret(d.secretKey, JSON.stringify(f));
  const unseal = (s: string) => JSON.parse(decryptWithSecret(d.secretKey, s)) as SsoFlow;
  const key = (state: string) => `${d.redisPrefix}sso:flow:${sha256(state)}`;
  const newState = () => randomToken(32);
  if (d.redis) {
    const redis = d.redis;
    return {
      newState,
      async put(state, flow) {
        await redis.set(key(state), seal(flow), 'PX', d.ttlMs);
      },
      async take(state) {
        // one atomic step: the value before, and "used" from now until it expires
        const before = (await redis.call('SET', key(state), 'used', 'XX', 'GET', 'KEEPTTL')) as string | null;
        if (before === null) return { ok: false, reason: 'unknown' };
        if (before === 'used') return { ok: false, reason: 'used' };
        return { ok: true, flow: unseal(before) };
      },
    };
  }
  return {
    newState,
    async put(state, flow) {
      const now = d.clock.now();
      await d.db.kysely.deleteFrom('sso_flows').where('expires_at', '<', now.toISOString()).execute();
      await d.db.kysely
        .insertInto('sso_flows')
        .values({ id: sha256(state), payload_enc: seal(flow), status: 'open', created_at: now.toISOString(), expires_at: new Date(now.getTime() + d.ttlMs).toISOString() })
        .execute();
    },
    async take(state) {
      const id = sha256(state);
      const now = d.clock.now().toISOString();
      const taken = await d.db.kysely.updateTable('sso_flows').set({ status: 'used' }).where('id', '=', id).where('status', '=', 'open').where('expires_at', '>', now).executeTakeFirst();
      const row = await d.db.kysely.selectFrom('sso_flows').select(['payload_enc', 'expires_at']).where('id', '=', id).executeTakeFirst();
      if (Number(taken.numUpdatedRows) === 1 && row) return { ok: true, flow: unseal(row.payload_enc) };
      if (row && row.expires_at > now) return { ok: false, reason: 'used' };
      return { ok: false, reason: 'unknown' };
    },
  };
}
