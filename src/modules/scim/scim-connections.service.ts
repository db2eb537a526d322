/**
 * An organization's (a partner's or a tenant's) SCIM connection: its bearer token (shown once, stored only as a keyed hash
 * with SecretHasher, as API tokens are), rotated or switched off by the organization's owner or
 * the operator; the token authenticates a directory and names the organization — never the body.
 * Also the small log of the directory's recent requests, in words, for the portal.
 */
import { mutate, type Db } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import { newSecret, type SecretHasher } from '../../platform/crypto.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { AuditLog } from '../audit/index.ts';
import { scimErrors as E } from './scim.errors.ts';
import { auditOrg } from './scim-members.ts';
import * as repo from './scim.repo.ts';

export type { Org, ConnectionRow } from './scim.repo.ts';

export const SCIM_TOKEN_PREFIX = 'pgscim';
const TOUCH_EVERY_MS = 60_000;

export interface ScimConnectionsDeps {
  db: Db;
  audit: AuditLog;
  clock: Clock;
  hasher: SecretHasher;
}

export class ScimConnections {
  readonly #d: ScimConnectionsDeps;
  constructor(d: ScimConnectionsDeps) {
    this.#d = d;
  }

  #now() {
    return this.#d.clock.now().toISOString();
  }

  find(org: repo.Org) {
    return repo.findConnectionByOrg(this.#d.db.kysely, org);
  }

  /** A new token (the first, or a rotation: the old one stops working at once). Returns the token, shown once. */
  async issueToken(ctx: RequestContext, org: repo.Org): Promise<{ token: string; connection: repo.ConnectionRow }> {
    const token = newSecret(SCIM_TOKEN_PREFIX);
    const now = this.#now();
    const patch = { token_hash: this.#d.hasher.hash(token), token_prefix: token.slice(0, SCIM_TOKEN_PREFIX.length + 5), status: 'on' as const, token_created_at: now, switched_off_at: null, switched_off_by: null };
    await mutate(this.#d.db, async (trx) => {
      const existing = await repo.findConnectionByOrg(trx, org);
      const id = existing?.id ?? newId('scim');
      if (existing) await repo.updateConnection(trx, id, patch);
      else await repo.insertConnection(trx, { id, org_type: org.type, org_id: org.id, created_at: now, created_by: ctx.actor.userId, last_used_at: null, ...patch });
      await this.#d.audit.record(trx, ctx, { action: existing?.token_hash ? 'scim.token_rotated' : 'scim.token_created', ...auditOrg(org), targetType: 'scim_connection', targetId: id });
    });
    return { token, connection: (await this.find(org))! };
  }

  /** Switch the connection off: the token is forgotten and refused from the next request. */
  async switchOff(ctx: RequestContext, org: repo.Org): Promise<repo.ConnectionRow> {
    const c = await this.find(org);
    if (!c) throw E.scim_connection_not_found();
    if (c.status === 'off') return c;
    await mutate(this.#d.db, async (trx) => {
      await repo.updateConnection(trx, c.id, { token_hash: null, status: 'off', switched_off_at: this.#now(), switched_off_by: ctx.actor.userId });
      await this.#d.audit.record(trx, ctx, { action: 'scim.token_revoked', ...auditOrg(org), targetType: 'scim_connection', targetId: c.id });
    });
    return (await this.find(org))!;
  }

  /** The connection a bearer token belongs to, if it is on. */
  async authenticate(token: string): Promise<repo.ConnectionRow | null> {
    if (!token.startsWith(SCIM_TOKEN_PREFIX + '_')) return null;
    const c = await repo.findConnectionByTokenHash(this.#d.db.kysely, this.#d.hasher.hash(token));
    if (!c || c.status !== 'on') return null;
    const now = this.#d.clock.now();
    if (!c.last_used_at || now.getTime() - Date.parse(c.last_used_at) > TOUCH_EVERY_MS) await repo.updateConnection(this.#d.db.kysely, c.id, { last_used_at: now.toISOString() });
    return c;
  }

  async logRequest(org: repo.Org, r: { method: string; path: string; status: number; result: string }) {
    await repo.insertRequest(this.#d.db.kysely, org, { ...r, at: this.#now() });
  }

  recentRequests(org: repo.Org, limit = 20) {
    return repo.listRequests(this.#d.db.kysely, org, limit);
  }
}
