/**
 * Agencies: a tenant admin creates agencies — organisations with no user accounts —
 * and gives each embedded form a token. Tokens are shown once, stored only as a keyed hash, never
 * expire, and are rotated (new secret, the old one dead at once) or revoked by a tenant admin.
 *
 * Every change commits with its audit event and change-feed row; after commit the service drains
 * the feed so this instance's token index already refuses a revoked or rotated token when the
 * admin's call returns. Other instances follow through the feed.
 */
import type { Db, Tx } from '../../platform/db/database.ts';
import { lockRows, mutateAndKick } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import type { SecretHasher } from '../../platform/crypto.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { AuditLog } from '../audit/index.ts';
import { agencyErrors as E } from './agencies.errors.ts';
import { agencyTokenDisplayPrefix, newAgencyToken } from './agency-token.ts';
import { AgencyTokenIndex } from './agency-token-index.ts';
import { AgencyUsageRecorder } from './agency-usage.ts';
import { normalizeFormConfig, parseFormConfig, type FormConfig } from './form-config.ts';
import * as repo from './agencies.repo.ts';
import { problemDetails as PD } from './agencies.problem-details.ts';

export interface AgenciesDeps {
  db: Db;
  audit: AuditLog;
  feed: ChangeFeed;
  clock: Clock;
  hasher: SecretHasher;
  onError?: (err: unknown, what: string) => void;
  usageFlushIntervalMs?: number;
}

export interface FormConfigInput {
  allowed_voucher_types: string[];
  intro_text?: string;
  rules_list?: string[];
}

export class AgenciesService {
  readonly #d: AgenciesDeps;
  /** token verification for the embed API (in memory, feed-fed) */
  readonly index: AgencyTokenIndex;
  /** last_used_at, batched off the request path */
  readonly usage: AgencyUsageRecorder;

  constructor(d: AgenciesDeps) {
    this.#d = d;
    this.index = new AgencyTokenIndex(d.hasher, { clock: d.clock, onError: (e) => d.onError?.(e, 'agency token lookup') });
    this.usage = new AgencyUsageRecorder(d.db, { flushIntervalMs: d.usageFlushIntervalMs, onError: (e) => d.onError?.(e, 'agency token usage') });
  }

  /** Load the token index (see AgencyTokenIndex.load for where this sits in start-up). */
  load(): Promise<void> {
    return this.index.load(this.#d.db, this.#d.feed);
  }

  async stop(): Promise<void> {
    this.index.stop();
    await this.usage.close();
  }

  #now(): string {
    return this.#d.clock.now().toISOString();
  }

  readonly #write = <T>(fn: (trx: Tx) => Promise<T>) => mutateAndKick(this.#d.db, this.#d.feed, fn);

  // ---- agencies -----------------------------------------------------------------------------

  async listAgencies(tenantId: string) {
    const [agencies, counts] = await Promise.all([repo.listAgencies(this.#d.db.kysely, tenantId), repo.countTokensByAgency(this.#d.db.kysely, tenantId)]);
    return agencies.map((a) => ({ agency: a, tokens: counts.get(a.id) ?? { active: 0, total: 0, lastUsedAt: null } }));
  }

  async requireAgency(tenantId: string, agencyId: string): Promise<repo.AgencyRow> {
    const a = await repo.findAgency(this.#d.db.kysely, tenantId, agencyId);
    if (!a) throw E.agency_not_found();
    return a;
  }

  findAgencyByName(tenantId: string, name: string): Promise<repo.AgencyRow | undefined> {
    return repo.findAgencyByName(this.#d.db.kysely, tenantId, name);
  }

  async createAgency(ctx: RequestContext, tenantId: string, input: { name: string }): Promise<repo.AgencyRow> {
    const now = this.#now();
    const row: repo.AgencyRow = { id: newId('agy'), tenant_id: tenantId, name: input.name.trim(), status: 'active', created_by: ctx.actor.userId, created_at: now, updated_at: now };
    return this.#write(async (trx) => {
      await repo.insertAgency(trx, row);
      await this.#d.feed.record(trx, 'agency', row.id);
      await this.#d.audit.record(trx, ctx, { action: 'agency.created', tenantId, partnerAgencyId: row.id, targetType: 'agency', targetId: row.id, details: { name: row.name } });
      return row;
    });
  }

  /** Rename, deactivate (every token of the agency is refused from the next request) or reactivate. */
  async updateAgency(ctx: RequestContext, tenantId: string, agencyId: string, patch: { name?: string; status?: 'active' | 'inactive' }): Promise<repo.AgencyRow> {
    return this.#write(async (trx) => {
      const a = await repo.findAgency(trx, tenantId, agencyId);
      if (!a) throw E.agency_not_found();
      const changes: Partial<repo.AgencyRow> = {};
      if (patch.name !== undefined && patch.name.trim() !== a.name) changes.name = patch.name.trim();
      if (patch.status !== undefined && patch.status !== a.status) changes.status = patch.status;
      if (Object.keys(changes).length === 0) return a;
      await repo.updateAgency(trx, tenantId, agencyId, { ...changes, updated_at: this.#now() });
      await this.#d.feed.record(trx, 'agency', agencyId);
      const action = changes.status === 'inactive' ? 'agency.deactivated' : changes.status === 'active' ? 'agency.reactivated' : 'agency.updated';
      await this.#d.audit.record(trx, ctx, { action, tenantId, partnerAgencyId: agencyId, targetType: 'agency', targetId: agencyId, details: { changes } });
      return { ...a, ...changes };
    });
  }

  // ---- tokens -------------------------------------------------------------------------------

  listTokens(tenantId: string, agencyId: string): Promise<repo.AgencyTokenRow[]> {
    return repo.listTokens(this.#d.db.kysely, tenantId, agencyId);
  }

  async requireToken(tenantId: string, agencyId: string, tokenId: string): Promise<repo.AgencyTokenRow> {
    const t = await repo.findToken(this.#d.db.kysely, tenantId, agencyId, tokenId);
    if (!t) throw E.agency_token_not_found();
    return t;
  }

  /**
   * A new form token. Returns the row and the plaintext secret — the only time it exists outside
   * the caller's hands. `secret` is for the demo seed (a token derived from the installation secret).
   */
  async createToken(
    ctx: RequestContext,
    tenantId: string,
    agencyId: string,
    input: { label: string; form_config: FormConfigInput },
    secret?: string,
  ): Promise<{ row: repo.AgencyTokenRow; token: string }> {
    const form = normalizeFormConfig(input.form_config);
    const token = secret ?? newAgencyToken();
    const now = this.#now();
    const row: repo.AgencyTokenRow = {
      id: newId('agt'),
      tenant_id: tenantId,
      partner_agency_id: agencyId,
      label: input.label.trim(),
      token_hash: this.#d.hasher.hash(token),
      token_prefix: agencyTokenDisplayPrefix(token),
      status: 'active',
      form_config: JSON.stringify(form),
      created_by: ctx.actor.userId,
      created_at: now,
      updated_at: now,
      last_used_at: null,
      rotated_at: null,
      revoked_at: null,
      revoked_by: null,
    };
    const saved = await this.#write(async (trx) => {
      // Guarantee: the agency's row is share-locked — it cannot be deactivated while a token is given to it.
      await lockRows(this.#d.db, trx, 'partner_agencies', { id: agencyId }, 'share');
      const a = await repo.findAgency(trx, tenantId, agencyId);
      if (!a) throw E.agency_not_found();
      if (a.status !== 'active') throw E.agency_not_active(PD.reactivateAgencyBeforeGiving);
      await repo.insertToken(trx, row);
      await this.#d.feed.record(trx, 'agency_token', row.id);
      await this.#d.audit.record(trx, ctx, {
        action: 'agency_token.created',
        tenantId,
        partnerAgencyId: agencyId,
        targetType: 'agency_token',
        targetId: row.id,
        details: { agency_id: agencyId, label: row.label, token_prefix: row.token_prefix, form_config: form },
      });
      return row;
    });
    return { row: saved, token };
  }

  /** A new secret for the same form; the previous secret stops working at once. */
  async rotateToken(ctx: RequestContext, tenantId: string, agencyId: string, tokenId: string): Promise<{ row: repo.AgencyTokenRow; token: string }> {
    const token = newAgencyToken();
    const saved = await this.#write(async (trx) => {
      // Guarantee: the token's row lock — a rotation racing a revocation cannot bring it back.
      await lockRows(this.#d.db, trx, 'partner_tokens', { id: tokenId });
      const t = await repo.findToken(trx, tenantId, agencyId, tokenId);
      if (!t) throw E.agency_token_not_found();
      if (t.status !== 'active') throw E.agency_token_already_revoked(PD.revokedTokenCannotRotated);
      const now = this.#now();
      const patch = { token_hash: this.#d.hasher.hash(token), token_prefix: agencyTokenDisplayPrefix(token), rotated_at: now, updated_at: now };
      await repo.updateToken(trx, tenantId, tokenId, patch);
      await this.#d.feed.record(trx, 'agency_token', tokenId);
      await this.#d.audit.record(trx, ctx, {
        action: 'agency_token.rotated',
        tenantId,
        partnerAgencyId: agencyId,
        targetType: 'agency_token',
        targetId: tokenId,
        details: { agency_id: agencyId, previous_prefix: t.token_prefix, token_prefix: patch.token_prefix },
      });
      return { ...t, ...patch };
    });
    return { row: saved, token };
  }

  /** Revoke for good (idempotent: revoking a revoked token changes nothing). */
  async revokeToken(ctx: RequestContext, tenantId: string, agencyId: string, tokenId: string): Promise<repo.AgencyTokenRow> {
    return this.#write(async (trx) => {
      await lockRows(this.#d.db, trx, 'partner_tokens', { id: tokenId }); // as in rotateToken
      const t = await repo.findToken(trx, tenantId, agencyId, tokenId);
      if (!t) throw E.agency_token_not_found();
      if (t.status === 'revoked') return t;
      const now = this.#now();
      const patch = { status: 'revoked' as const, revoked_at: now, revoked_by: ctx.actor.userId, updated_at: now };
      await repo.updateToken(trx, tenantId, tokenId, patch);
      await this.#d.feed.record(trx, 'agency_token', tokenId);
      await this.#d.audit.record(trx, ctx, { action: 'agency_token.revoked', tenantId, partnerAgencyId: agencyId, targetType: 'agency_token', targetId: tokenId, details: { agency_id: agencyId, token_prefix: t.token_prefix } });
      return { ...t, ...patch };
    });
  }

  /** Change the form's label or configuration; the running form picks it up on its next request. */
  async updateToken(ctx: RequestContext, tenantId: string, agencyId: string, tokenId: string, patch: { label?: string; form_config?: FormConfigInput }): Promise<repo.AgencyTokenRow> {
    const form = patch.form_config ? normalizeFormConfig(patch.form_config) : undefined;
    return this.#write(async (trx) => {
      const t = await repo.findToken(trx, tenantId, agencyId, tokenId);
      if (!t) throw E.agency_token_not_found();
      const changes: Partial<repo.AgencyTokenRow> = {};
      if (patch.label !== undefined && patch.label.trim() !== t.label) changes.label = patch.label.trim();
      if (form && JSON.stringify(form) !== JSON.stringify(parseFormConfig(t.form_config))) changes.form_config = JSON.stringify(form);
      if (Object.keys(changes).length === 0) return t;
      const now = this.#now();
      await repo.updateToken(trx, tenantId, tokenId, { ...changes, updated_at: now });
      await this.#d.feed.record(trx, 'agency_token', tokenId);
      await this.#d.audit.record(trx, ctx, {
        action: 'agency_token.updated',
        tenantId,
        partnerAgencyId: agencyId,
        targetType: 'agency_token',
        targetId: tokenId,
        details: { agency_id: agencyId, ...(changes.label ? { label: changes.label } : {}), ...(form && changes.form_config ? { form_config: form } : {}) },
      });
      return { ...t, ...changes, updated_at: now };
    });
  }

  /** The stored token with this plaintext's hash, if any (the demo seed re-prints its token). */
  findTokenBySecret(secret: string): Promise<repo.AgencyTokenRow | undefined> {
    return repo.findTokenByHash(this.#d.db.kysely, this.#d.hasher.hash(secret));
  }
}

export function toAgencyDto(a: repo.AgencyRow, tokens?: { active: number; total: number; lastUsedAt: string | null }) {
  return {
    id: a.id,
    tenant_id: a.tenant_id,
    name: a.name,
    status: a.status,
    created_at: a.created_at,
    updated_at: a.updated_at,
    ...(tokens ? { active_tokens: tokens.active, total_tokens: tokens.total, last_used_at: tokens.lastUsedAt } : {}),
  };
}

export function toAgencyTokenDto(t: repo.AgencyTokenRow) {
  return {
    id: t.id,
    tenant_id: t.tenant_id,
    agency_id: t.partner_agency_id,
    label: t.label,
    token_prefix: t.token_prefix,
    status: t.status,
    form_config: parseFormConfig(t.form_config) as FormConfig,
    created_at: t.created_at,
    updated_at: t.updated_at,
    last_used_at: t.last_used_at,
    rotated_at: t.rotated_at,
    revoked_at: t.revoked_at,
  };
}
