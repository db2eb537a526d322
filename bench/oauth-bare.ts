/**
 * The yardstick of bench/oauth.bench.ts: a bare `oidc-provider` (the version Partnergate runs) with
 * the same token-endpoint profile, run as its own process and driven by the same load generator.
 * Started by the bench with one JSON job in argv[2]:
 *   { sqliteFile?: string, databaseUrl?: string, port: number, chains: number, scope: string }
 * It prints one JSON line once it listens ({ url, ccBasic, refreshBasic, refreshTokens }) and
 * serves until its stdin closes.
 *
 * What the bare one has, so the comparison is with a deployable server, not an in-memory demo:
 *  - the same engine and driver as Partnergate's run: SQLite (node:sqlite through Kysely, WAL, its
 *    own file next to Partnergate's) or PostgreSQL (pg through Kysely, a pool of 10, a table of its
 *    own in the bench database);
 *  - a minimal adapter, the shape of the library's example adapters: one `bare_oidc_store` row per
 *    (model, id) with the JSON payload, grant id and expiry; ids stored as handed over (no keyed
 *    hash, no sealing); `consume` as an UPDATE; clients are rows of the same table, read through
 *    the adapter on every request (the library caches the Client object by its metadata's hash,
 *    as it does for Partnergate);
 *  - the same token profile: client_secret_basic (secret compared as stored, plain), ES256 JWT
 *    access tokens for one resource (RFC 8707 default resource), refresh tokens rotated on every
 *    use, the same TTLs;
 *  - nothing else: no throttle, no live client/partner/consent/delegation checks, no account
 *    lookup (`findAccount` answers from the sub), no extra claims, no audit, no row-level security,
 *    no Fastify in front (node:http straight into `provider.callback()`).
 */
import http from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import Provider, { type Adapter, type AdapterPayload } from 'oidc-provider';
import { nodeSqliteDialect } from '../src/platform/db/sqlite-dialect.ts';

interface Job {
  sqliteFile?: string;
  databaseUrl?: string;
  port: number;
  chains: number;
  scope: string;
}

interface StoreTable {
  bare_oidc_store: { model: string; id: string; payload: string; grant_id: string | null; expires_at: string | null; consumed_at: string | null };
}

const job = JSON.parse(process.argv[2]) as Job;
const db = new Kysely<StoreTable>({
  dialect: job.databaseUrl ? new PostgresDialect({ pool: new pg.Pool({ connectionString: job.databaseUrl, max: 10 }) }) : nodeSqliteDialect(job.sqliteFile!).dialect,
});
await sql`create table if not exists bare_oidc_store (model text not null, id text not null, payload text not null, grant_id text, expires_at text, consumed_at text, primary key (model, id))`.execute(db);
await sql`create index if not exists bare_oidc_store_grant on bare_oidc_store (grant_id)`.execute(db);

class BareAdapter implements Adapter {
  readonly #model: string;
  constructor(model: string) {
    this.#model = model;
  }
  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const row = {
      payload: JSON.stringify(payload),
      grant_id: typeof payload.grantId === 'string' ? payload.grantId : null,
      expires_at: expiresIn ? new Date(Date.now() + expiresIn * 1000).toISOString() : null,
    };
    await db
      .insertInto('bare_oidc_store')
      .values({ model: this.#model, id, consumed_at: null, ...row })
      .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet(row))
      .execute();
  }
  async find(id: string): Promise<AdapterPayload | undefined> {
    const row = await db.selectFrom('bare_oidc_store').select(['payload', 'expires_at', 'consumed_at']).where('model', '=', this.#model).where('id', '=', id).executeTakeFirst();
    if (!row || (row.expires_at !== null && row.expires_at <= new Date().toISOString())) return undefined;
    const payload = JSON.parse(row.payload) as AdapterPayload;
    if (row.consumed_at !== null) payload.consumed = Math.floor(Date.parse(row.consumed_at) / 1000);
    return payload;
  }
  async findByUid(): Promise<undefined> {
    return undefined;
  }
  async findByUserCode(): Promise<undefined> {
    return undefined;
  }
  async consume(id: string): Promise<void> {
    await db.updateTable('bare_oidc_store').set({ consumed_at: new Date().toISOString() }).where('model', '=', this.#model).where('id', '=', id).execute();
  }
  async destroy(id: string): Promise<void> {
    await db.deleteFrom('bare_oidc_store').where('model', '=', this.#model).where('id', '=', id).execute();
  }
  async revokeByGrantId(grantId: string): Promise<void> {
    await db.deleteFrom('bare_oidc_store').where('model', '=', this.#model).where('grant_id', '=', grantId).execute();
  }
}

const issuer = `http://127.0.0.1:${job.port}`;
const audience = `${issuer}/resources`;
const jwk = { ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }), kid: 'bare-es256', alg: 'ES256', use: 'sig' };
const resourceScopes = job.scope.split(' ');

const provider = new Provider(issuer, {
  adapter: BareAdapter,
  jwks: { keys: [jwk] } as never,
  clientDefaults: { grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic', id_token_signed_response_alg: 'ES256' },
  clientAuthMethods: ['client_secret_basic'],
  scopes: ['openid', 'offline_access', ...resourceScopes],
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async () => audience,
      useGrantedResource: async () => true,
      getResourceServerInfo: async () => ({ scope: job.scope, audience, accessTokenTTL: 600, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } }),
    },
  },
  rotateRefreshToken: true,
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  expiresWithSession: async () => false,
  findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
  ttl: { AccessToken: 600, ClientCredentials: 600, RefreshToken: 30 * 86400, Grant: 90 * 86400 },
});

// ---- clients and refresh-token chains -------------------------------------------------------------

const clients = new BareAdapter('Client');
const ccSecret = randomBytes(24).toString('base64url');
const rtSecret = randomBytes(24).toString('base64url');
await clients.upsert('bare-cc', { client_id: 'bare-cc', client_secret: ccSecret, grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: job.scope });
await clients.upsert('bare-rt', {
  client_id: 'bare-rt',
  client_secret: rtSecret,
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  redirect_uris: ['http://127.0.0.1:65531/callback'],
  scope: `offline_access ${job.scope}`,
});
const rtClient = (await provider.Client.find('bare-rt'))!;
const refreshTokens: string[] = [];
for (let i = 0; i < job.chains; i++) {
  const accountId = `account-${i}`;
  const grant = new provider.Grant({ accountId, clientId: 'bare-rt' });
  grant.addOIDCScope('offline_access');
  grant.addResourceScope(audience, job.scope);
  const grantId = await grant.save();
  const rt = new provider.RefreshToken({ accountId, client: rtClient, grantId, gty: 'authorization_code', scope: `offline_access ${job.scope}`, resource: audience, expiresWithSession: false, iiat: Math.floor(Date.now() / 1000) });
  refreshTokens.push(await rt.save());
}

const server = http.createServer(provider.callback() as unknown as http.RequestListener);
server.keepAliveTimeout = 65_000;
await new Promise<void>((resolve) => server.listen(job.port, '127.0.0.1', resolve));
const basic = (id: string, secret: string) => Buffer.from(`${id}:${secret}`).toString('base64');
process.stdout.write(JSON.stringify({ url: `${issuer}/token`, ccBasic: basic('bare-cc', ccSecret), refreshBasic: basic('bare-rt', rtSecret), refreshTokens }) + '\n');

process.stdin.resume();
process.stdin.on('end', () => {
  server.close();
  server.closeAllConnections();
  void db.destroy().then(() => process.exit(0));
});
