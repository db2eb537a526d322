/**
 * Persistence of every oidc-provider model in the project database (SQLite and PostgreSQL): one
 * `oauth_store` row per (model, id), the payload as JSON, with the columns the library looks up
 * by (grant id, uid, user code) and the expiry so a periodic purge can drop dead rows. Nothing
 * lives in process memory, so a restart loses no session, grant, code or refresh token.
 *
 * `consume` is an atomic compare-and-set (UPDATE … WHERE consumed_at IS NULL): of two parallel
 * redemptions of one code or refresh token exactly one sees its update land; the other is a
 * replay and revokes the whole grant (RFC 9700 §2.2.2, §4.14.2), like the library does for a
 * sequential replay.
 *
 * Clients are not in this table: the `Client` model is answered from the partner apps table (see
 * client-metadata.ts), so a deleted app or a suspended partner stops authenticating at once.
 *
 * No bearer value is stored (oidc-provider-internals, 6): a row's id and user code are the keyed
 * hash (HMAC-SHA256 under the installation's secret, like client secrets and personal API tokens)
 * of what the library hands over, every lookup hashes what it is asked for, and the payload loses
 * its copy of the id and keeps any other bearer value sealed. So what a database reader sees
 * redeems nothing: presented at an endpoint, a stored id is hashed once more and matches no row.
 *
 * Per provider request (RequestMemo, dropped with the request): a value is hashed once however
 * often the library names it (a refresh token is found, then consumed), and a refresh token or
 * code is read together with its Grant in one statement, which the library's Grant lookup of the
 * same request then takes instead of a second read (the two rows as one instant saw them).
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Db, Executor } from '../../platform/db/database.ts';
import { errors as oidcErrors } from 'oidc-provider';
import { sql } from 'kysely';
import { prepared } from '../../platform/db/prepared.ts';
import { currentProviderContext, DROPPED_PAYLOAD_FIELDS, PLAIN_ID_MODELS, SEALED_PAYLOAD_FIELDS } from './oidc-provider-internals.ts';

/** How bearer values are kept out of the database. */
export interface ArtifactSecrets {
  /** keyed hash of a bearer value: stored and looked up instead of it */
  hash(value: string): string;
  /** reversible only with the installation's secret */
  seal(value: string): string;
  /** throws when the sealed value was not made with this installation's secret */
  unseal(sealed: string): string;
}

export interface StoreHooks {
  /** false when a Grant no longer stands (its consent delegation ended): the library then sees no grant. */
  grantIsLive?: (grantId: string) => Promise<boolean>;
  /**
   * After a grant and everything issued from it were deleted (revocation, replay detection, logout,
   * the customer's disconnect); `clientId` from the deleted Grant (null when there was none).
   * Never called by refresh-token rotation, which consumes one refresh token and keeps the grant.
   */
  grantRevoked?: (grantId: string, reason: string, clientId: string | null) => Promise<void>;
  /** Answers the `Client` model. */
  findClient?: (clientId: string) => Promise<AdapterPayload | undefined>;
  /** Adjusts a payload before it is stored (e.g. binds a refresh token to a DPoP key). */
  beforeUpsert?: (model: string, payload: AdapterPayload) => void;
  /** Runs before a model is looked up by id; may throw the library's error (a CIBA poll too soon: slow_down). */
  beforeFind?: (model: string, id: string) => Promise<void>;
}

/**
 * Models the library itself answers `expired_token` for once past their end (CIBA §11, RFC 8628 §3.5):
 * their expired rows stay findable until the purge, or the app would be told `invalid_grant`.
 */
const EXPIRY_ANSWERED = new Set(['BackchannelAuthenticationRequest', 'DeviceCode']);

/** One batch of the purge (purgeExpired): the grants walked, or the rows of no grant deleted. */
export const PURGE_BATCH = { grants: 500, rows: 2000 } as const;

const REPLAYABLE = new Set(['AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

export class OAuthStore {
  readonly #db: Db;
  readonly #codec: PayloadCodec;
  readonly #hooks: StoreHooks;
  readonly #adapters = new Map<string, Adapter>();

  constructor(db: Db, secrets: ArtifactSecrets, hooks: StoreHooks = {}) {
    this.#db = db;
    this.#codec = new PayloadCodec(secrets);
    this.#hooks = hooks;
  }

  /** The `oauth_store.id` a model's id is kept under. */
  storedId(model: string, id: string): string {
    return this.#codec.storedId(model, id);
  }

  /** The adapter factory oidc-provider calls once per model name. */
  readonly factory = (model: string): Adapter => {
    let a = this.#adapters.get(model);
    if (!a) {
      a = model === 'Client' ? this.#clientAdapter() : new ModelAdapter(this.#db, model, this.#codec, this.#hooks);
      this.#adapters.set(model, a);
    }
    return a;
  };

  #clientAdapter(): Adapter {
    const find = this.#hooks.findClient;
    const unsupported = async () => {
      // Dynamic registration is off: clients are partner apps, managed through the apps API.
      throw new Error('clients are managed through the partner apps API');
    };
    return {
      find: async (id: string) => (find ? find(id) : undefined),
      findByUid: async () => undefined,
      findByUserCode: async () => undefined,
      upsert: unsupported,
      consume: unsupported,
      destroy: unsupported,
      revokeByGrantId: async () => undefined,
    };
  }

  /**
   * Delete rows whose expiry has passed. Returns how many went. A row issued from a grant has its
   * expiry in the `(grant_id, expires_at)` index only (a refresh writes one index fewer): the grants
   * present are walked one index step each (a recursive skip scan, from the smallest grant id up)
   * and, in each, the expired range is taken — reading no row that stays. In batches (PURGE_BATCH),
   * each its own statement: on SQLite a token request waits for one batch, not for the whole purge.
   */
  async purgeExpired(now: Date = new Date()): Promise<number> {
    const at = now.toISOString();
    const db = this.#db.kysely;
    let gone = 0;
    for (let after: string | null = ''; after !== null; ) {
      const grants: string[] = (
        await sql<{ id: string }>`
          with recursive g(id, n) as (
            select (select min(grant_id) from oauth_store where grant_id > ${after}), 1
            union all
            select (select min(grant_id) from oauth_store where grant_id > g.id), n + 1 from g where g.id is not null and n < ${PURGE_BATCH.grants}
          )
          select id from g where id is not null`.execute(db)
      ).rows.map((r) => r.id);
      if (grants.length > 0) gone += Number((await db.deleteFrom('oauth_store').where('grant_id', 'in', grants).where('expires_at', '<', at).executeTakeFirst()).numDeletedRows ?? 0);
      after = grants.length === PURGE_BATCH.grants ? grants[grants.length - 1] : null;
    }
    let n: number;
    do {
      const batch = sql`select model, id from oauth_store where grant_id is null and expires_at < ${at} limit ${PURGE_BATCH.rows}`;
      n = Number((await sql`delete from oauth_store where (model, id) in (${batch})`.execute(db)).numAffectedRows ?? 0);
      gone += n;
    } while (n === PURGE_BATCH.rows);
    return gone;
  }

  /**
   * Delete a grant and everything issued from it. With a reason (the tenant disconnected the app)
   * the grant counts as revoked: the revocation hook runs, so its access tokens are refused too;
   * without one (undoing a consent that failed half way, before any token) it is simply gone.
   */
  async deleteGrant(grantId: string, reason?: string): Promise<void> {
    const clientId = reason === undefined ? null : await grantClientId(this.#db, grantId);
    await deleteGrantRows(this.#db.kysely, grantId);
    if (reason !== undefined) await this.#hooks.grantRevoked?.(grantId, reason, clientId);
  }
}

/** The client of a stored Grant, read before it is deleted. */
async function grantClientId(db: Db, grantId: string): Promise<string | null> {
  const row = await db.kysely.selectFrom('oauth_store').select('payload').where('model', '=', 'Grant').where('id', '=', grantId).executeTakeFirst();
  if (!row) return null;
  const clientId = (JSON.parse(row.payload) as AdapterPayload).clientId;
  return typeof clientId === 'string' ? clientId : null;
}

/** Delete a grant and every row issued from it (codes, refresh tokens), in the caller's transaction if it has one. */
export async function deleteGrantRows(db: Executor, grantId: string): Promise<void> {
  forgetGrant(grantId);
  await db
    .deleteFrom('oauth_store')
    .where((eb) => eb.or([eb('grant_id', '=', grantId), eb.and([eb('model', '=', 'Grant'), eb('id', '=', grantId)])]))
    .execute();
}

/**
 * The stored form of a model: the id hashed (all but PLAIN_ID_MODELS); in the payload the id's
 * copy dropped, the listed bearer fields dropped or sealed together under one key.
 */
class PayloadCodec {
  readonly #secrets: ArtifactSecrets;

  constructor(secrets: ArtifactSecrets) {
    this.#secrets = secrets;
  }

  storedId(model: string, id: string): string {
    return PLAIN_ID_MODELS.has(model) ? id : this.hash(id);
  }

  /** The keyed hash, computed once per value in a provider request. */
  hash(value: string): string {
    const hashes = requestMemo()?.hashes;
    if (!hashes) return this.#secrets.hash(value);
    let h = hashes.get(value);
    if (h === undefined) hashes.set(value, (h = this.#secrets.hash(value)));
    return h;
  }

  encode(model: string, id: string, payload: AdapterPayload): string {
    const out: Record<string, unknown> = { ...payload };
    const sealedPaths = SEALED_PAYLOAD_FIELDS[model];
    if (sealedPaths) {
      const sealed: Record<string, unknown> = {};
      for (const p of sealedPaths) {
        const v = removePath(out, p);
        if (v !== undefined) sealed[p] = v;
      }
      if (Object.keys(sealed).length > 0) out[SEALED] = this.#secrets.seal(JSON.stringify(sealed));
    }
    for (const p of DROPPED_PAYLOAD_FIELDS[model] ?? []) removePath(out, p);
    if (!PLAIN_ID_MODELS.has(model) && out.jti === id) delete out.jti;
    return JSON.stringify(out);
  }

  /** The payload as the library stored it; `id` is the id it was found by (null: found by another key). Undefined when it cannot be unsealed. */
  decode(stored: string, id: string | null): AdapterPayload | undefined {
    const payload = JSON.parse(stored) as Record<string, unknown>;
    const sealed = payload[SEALED];
    if (typeof sealed === 'string') {
      let values: Record<string, unknown>;
      try {
        values = JSON.parse(this.#secrets.unseal(sealed)) as Record<string, unknown>;
      } catch {
        return undefined; // sealed under another secret
      }
      delete payload[SEALED];
      for (const [p, v] of Object.entries(values)) setPath(payload, p, v);
    }
    if (payload.jti === undefined && id !== null) payload.jti = id;
    return payload as AdapterPayload;
  }
}

/** The payload key the sealed fields travel under (no library field starts with `$`). */
const SEALED = '$sealed';

/** Remove a dotted path from `obj`, copying (never mutating) the nested objects on the way; returns the removed value. */
function removePath(obj: Record<string, unknown>, path: string): unknown {
  const keys = path.split('.');
  let at = obj;
  for (const k of keys.slice(0, -1)) {
    const next = at[k];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) return undefined;
    at = at[k] = { ...(next as Record<string, unknown>) };
  }
  const last = keys[keys.length - 1];
  const v = at[last];
  delete at[last];
  return v;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let at = obj;
  for (const k of keys.slice(0, -1)) {
    if (at[k] === null || typeof at[k] !== 'object') at[k] = {};
    at = at[k] as Record<string, unknown>;
  }
  at[keys[keys.length - 1]] = value;
}

// The statements every token request runs, compiled once (platform/db/prepared.ts).
const findByColumn = (column: 'id' | 'uid' | 'user_code') =>
  prepared(2, (db, model, key) => db.selectFrom('oauth_store').select(['id', 'payload', 'expires_at', 'consumed_at']).where('model', '=', model).where(column, '=', key));
const FIND_BY = { id: findByColumn('id'), uid: findByColumn('uid'), user_code: findByColumn('user_code') };
/** A refresh token or code by id, with the Grant it was issued from (absent: null columns). */
const findWithGrant = prepared(2, (db, model, key) =>
  db
    .selectFrom('oauth_store as r')
    .leftJoin('oauth_store as g', (j) => j.on('g.model', '=', 'Grant').onRef('g.id', '=', 'r.grant_id'))
    .select(['r.id', 'r.payload', 'r.expires_at', 'r.consumed_at', 'r.grant_id', 'g.id as g_id', 'g.payload as g_payload', 'g.expires_at as g_expires_at', 'g.consumed_at as g_consumed_at'])
    .where('r.model', '=', model)
    .where('r.id', '=', key),
);
/** Models redeemed at the token endpoint whose Grant the library looks up next, in the same request. */
const READ_WITH_GRANT = new Set(['RefreshToken', 'AuthorizationCode']);

interface StoredRow {
  id: string;
  payload: string;
  expires_at: string | null;
  consumed_at: string | null;
}

/**
 * What one provider request has computed or read already; it goes with the request (a WeakMap
 * keyed by the library's request context), so nothing outlives it.
 *  - `hashes`: the keyed hash of each value the request named (a refresh token is found, then consumed);
 *  - `grants`: the Grant row read with a refresh token or code (null: no such Grant), taken once
 *    by the Grant lookup that follows and dropped by any write of that Grant.
 */
interface RequestMemo {
  hashes: Map<string, string>;
  grants: Map<string, StoredRow | null>;
}
const requestMemos = new WeakMap<object, RequestMemo>();

/** A write of a Grant in this request: its row read earlier is not answered any more. */
function forgetGrant(grantId: string): void {
  const ctx = currentProviderContext();
  if (ctx) requestMemos.get(ctx)?.grants.delete(grantId);
}

function requestMemo(): RequestMemo | undefined {
  const ctx = currentProviderContext();
  if (!ctx) return undefined;
  let m = requestMemos.get(ctx);
  if (!m) requestMemos.set(ctx, (m = { hashes: new Map(), grants: new Map() }));
  return m;
}
const consumeRow = prepared(3, (db, consumedAt, model, key) =>
  db.updateTable('oauth_store').set({ consumed_at: consumedAt }).where('model', '=', model).where('id', '=', key).where('consumed_at', 'is', null),
);
const upsertRow = prepared(7, (db, model, id, payload, grantId, uid, userCode, expiresAt) => {
  const row = { payload, grant_id: grantId, uid, user_code: userCode, expires_at: expiresAt };
  return db
    .insertInto('oauth_store')
    .values({ model, id, consumed_at: null, ...row })
    .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet(row));
});

class ModelAdapter implements Adapter {
  readonly #db: Db;
  readonly #model: string;
  readonly #codec: PayloadCodec;
  readonly #hooks: StoreHooks;

  constructor(db: Db, model: string, codec: PayloadCodec, hooks: StoreHooks) {
    this.#db = db;
    this.#model = model;
    this.#codec = codec;
    this.#hooks = hooks;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    this.#hooks.beforeUpsert?.(this.#model, payload);
    if (this.#model === 'Grant') forgetGrant(id);
    const row = {
      payload: this.#codec.encode(this.#model, id, payload),
      grant_id: typeof payload.grantId === 'string' ? payload.grantId : null,
      // a Session's uid is not a bearer value: no endpoint takes it (oidc-provider-internals, 6)
      uid: typeof payload.uid === 'string' ? payload.uid : null,
      user_code: typeof payload.userCode === 'string' ? this.#codec.hash(payload.userCode) : null,
      expires_at: expiresIn ? new Date(Date.now() + expiresIn * 1000).toISOString() : null,
    };
    await upsertRow(this.#db.kysely, this.#model, this.#codec.storedId(this.#model, id), row.payload, row.grant_id, row.uid, row.user_code, row.expires_at);
  }

  async #findBy(column: 'id' | 'uid' | 'user_code', value: string): Promise<AdapterPayload | undefined> {
    const key = column === 'id' ? this.#codec.storedId(this.#model, value) : column === 'user_code' ? this.#codec.hash(value) : value;
    // A Grant's id is stored as is: whether it still stands is asked alongside its row, not after it.
    const live = this.#model === 'Grant' && column === 'id' && this.#hooks.grantIsLive ? this.#hooks.grantIsLive(key) : null;
    live?.catch(() => undefined); // awaited below unless the row is missing
    const row = column === 'id' ? await this.#rowById(key) : (await FIND_BY[column](this.#db.kysely, this.#model, key)).rows[0];
    if (!row) return undefined;
    if (row.expires_at !== null && row.expires_at <= new Date().toISOString() && !EXPIRY_ANSWERED.has(this.#model)) return undefined;
    const payload = this.#codec.decode(row.payload, column === 'id' ? value : null);
    if (!payload) return undefined;
    if (row.consumed_at !== null) payload.consumed = Math.floor(Date.parse(row.consumed_at) / 1000);
    if (this.#model === 'Grant' && this.#hooks.grantIsLive && !(await (live ?? this.#hooks.grantIsLive(row.id)))) return undefined;
    return payload;
  }

  /**
   * The row stored under `key`. A Grant the same request read with its refresh token or code is
   * taken from there (once); a refresh token or code brings its Grant's row along for that.
   */
  async #rowById(key: string): Promise<StoredRow | undefined> {
    const memo = this.#model === 'Grant' || READ_WITH_GRANT.has(this.#model) ? requestMemo() : undefined;
    if (!memo) return (await FIND_BY.id(this.#db.kysely, this.#model, key)).rows[0];
    if (this.#model === 'Grant') {
      const kept = memo.grants.get(key);
      if (kept !== undefined) {
        memo.grants.delete(key);
        return kept ?? undefined;
      }
      return (await FIND_BY.id(this.#db.kysely, this.#model, key)).rows[0];
    }
    const r = (await findWithGrant(this.#db.kysely, this.#model, key)).rows[0];
    if (!r) return undefined;
    if (r.grant_id !== null) memo.grants.set(r.grant_id, r.g_id === null ? null : { id: r.g_id, payload: r.g_payload!, expires_at: r.g_expires_at, consumed_at: r.g_consumed_at });
    return r;
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    await this.#hooks.beforeFind?.(this.#model, id);
    return this.#findBy('id', id);
  }

  findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.#findBy('uid', uid);
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.#findBy('user_code', userCode);
  }

  async consume(id: string): Promise<void> {
    const key = this.#codec.storedId(this.#model, id);
    const r = await consumeRow(this.#db.kysely, new Date().toISOString(), this.#model, key);
    if (Number(r.numAffectedRows ?? 0) === 1 || !REPLAYABLE.has(this.#model)) return;
    // Someone redeemed it between our read and this write: a replay. Revoke the family.
    const row = await this.#db.kysely.selectFrom('oauth_store').select('grant_id').where('model', '=', this.#model).where('id', '=', key).executeTakeFirst();
    if (row?.grant_id) await this.#revokeGrant(row.grant_id, `${this.#model} redeemed twice`);
    throw new oidcErrors.InvalidGrant(`${this.#model === 'RefreshToken' ? 'refresh token' : 'grant'} already used`);
  }

  async destroy(id: string): Promise<void> {
    if (this.#model === 'Grant') forgetGrant(id);
    const clientId = this.#model === 'Grant' ? await grantClientId(this.#db, id) : null;
    await this.#db.kysely.deleteFrom('oauth_store').where('model', '=', this.#model).where('id', '=', this.#codec.storedId(this.#model, id)).execute();
    // The library destroys a Grant only when it revokes it (revocation endpoint, replayed code or
    // refresh token, logout) — never on refresh rotation: its access tokens are refused and the
    // consent delegation behind it ends with it.
    if (this.#model === 'Grant') await this.#hooks.grantRevoked?.(id, 'grant revoked', clientId);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    forgetGrant(grantId);
    await this.#db.kysely.deleteFrom('oauth_store').where('model', '=', this.#model).where('grant_id', '=', grantId).execute();
  }

  async #revokeGrant(grantId: string, reason: string): Promise<void> {
    const clientId = await grantClientId(this.#db, grantId);
    await deleteGrantRows(this.#db.kysely, grantId);
    await this.#hooks.grantRevoked?.(grantId, reason, clientId);
  }
}
