/**
 * The domain-event outbox: an event is a row of `domain_events` written in the transaction of the
 * change it reports, so it exists exactly when the change committed.
 *
 * Most events are the audited changes themselves: the audit log calls `fromAudit` for every event
 * it records (AuditLog.onRecord), and the actions below become catalog events there — no service
 * can change a delegation, a partner's standing or an invitation without its event. Events that
 * are no audited change of their own (an expiry notice, an alert) are written with `emit` in the
 * writer's transaction.
 */
import Value from 'typebox/value';
import { Compile, type Validator } from 'typebox/compile';
import type { Clock } from '../../platform/clock.ts';
import type { Tx } from '../../platform/db/database.ts';
import { newId } from '../../platform/ids.ts';
import { insertAtCommit, writeAhead } from '../../platform/db/pg-context-dialect.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { AuditEntry } from '../audit/index.ts';
import { identityQueries } from '../identity/index.ts';
import { partnerQueries } from '../partners/index.ts';
import { tenantQueries } from '../tenants/index.ts';
import { delegationEventNames, delegationEventSelect } from './event-names.ts';
import { eventType } from './events.catalog.ts';
import * as repo from './notifications.repo.ts';
import { findAgreementTitle, referralCodeLabel } from './program-names.ts';

export interface EmitInput {
  type: string;
  tenantId?: string | null;
  partnerId?: string | null;
  data: Record<string, unknown>;
}

/** audit action → event type */
const FROM_AUDIT: Record<string, string> = {
  'delegation.requested': 'delegation.requested',
  'delegation.created': 'delegation.created',
  'delegation.approved': 'delegation.approved',
  'delegation.rejected': 'delegation.rejected',
  'delegation.revoked': 'delegation.revoked',
  'delegation.expired': 'delegation.expired',
  'delegation.renewed': 'delegation.extended',
  'oauth.ciba_requested': 'consent.requested',
  'oauth.consent_granted': 'consent.granted',
  'oauth.grant_revoked': 'consent.revoked',
  'partner.created': 'partner.applied',
  'partner.approved': 'partner.approved',
  'partner.suspended': 'partner.suspended',
  'partner.reactivated': 'partner.reactivated',
  'partner.terminated': 'partner.terminated',
  'tenant.member_invited': 'invitation.sent',
  'partner.user_invited': 'invitation.sent',
  'partner.referral_created': 'referral.signed_up',
  'partner.agreement_approved': 'agreement.approved',
  'partner.earning_paid': 'payout.recorded',
};

/** Whether an active endpoint receives an event: the platform's, or its tenant's or partner's, subscribed to the type (or to every type). */
export function endpointWants(x: repo.EndpointRow, type: string, tenantId: string | null, partnerId: string | null): boolean {
  const owns = x.owner_type === 'platform' || (x.owner_type === 'tenant' && x.owner_id === tenantId) || (x.owner_type === 'partner' && x.owner_id === partnerId);
  if (!owns) return false;
  const types = JSON.parse(x.event_types) as string[];
  return types.includes(type) || types.includes('*');
}

export class EventOutbox {
  readonly #clock: Clock;
  /** each event type's payload check, compiled on first use */
  readonly #checks = new Map<string, Validator>();
  /** PostgreSQL: a delegation's event is built by the database, sent ahead (delegationEventSelect) */
  readonly #payloadsByDatabase: boolean;
  constructor(clock: Clock, dialect: 'postgres' | 'sqlite') {
    this.#clock = clock;
    this.#payloadsByDatabase = dialect === 'postgres';
  }

  /**
   * Write one catalog event in the caller's transaction; its data must match the catalog schema.
   * `atCommit`: on PostgreSQL the row is written by the transaction's COMMIT message (one round trip
   * fewer), for a caller that does not read it back in the transaction.
   */
  async emit(trx: Tx, e: EmitInput, opts: { atCommit?: boolean } = {}): Promise<string> {
    const t = eventType(e.type);
    if (!t) throw new Error(`unknown event type ${e.type}`);
    if (!Value.Check(t.schema, e.data)) {
      const first = [...Value.Errors(t.schema, e.data)][0];
      throw new Error(`event ${e.type}: payload does not match its schema (${first?.instancePath ?? ''} ${first?.message ?? ''})`);
    }
    const id = newId('msg');
    const row = { id, type: t.type, version: t.version, tenant_id: e.tenantId ?? null, partner_id: e.partnerId ?? null, payload: JSON.stringify(e.data), occurred_at: this.#clock.now().toISOString(), status: 'pending' as const, dispatched_at: null };
    if (opts.atCommit && (await insertAtCommit(trx, 'domain_events', Object.keys(row), [Object.values(row)]))) return id;
    await repo.insertEvents(trx, [row]);
    return id;
  }

  /**
   * Write many catalog events in the caller's transaction, in multi-row statements (a sync batch's
   * records: thousands at once). Each payload is checked against its schema, as `emit` does.
   */
  async emitMany(trx: Tx, events: readonly EmitInput[]): Promise<void> {
    if (events.length === 0) return;
    const at = this.#clock.now().toISOString();
    const rows = events.map((e) => {
      const t = eventType(e.type);
      if (!t) throw new Error(`unknown event type ${e.type}`);
      let check = this.#checks.get(t.type);
      if (!check) this.#checks.set(t.type, (check = Compile(t.schema)));
      if (!check.Check(e.data)) {
        const first = [...check.Errors(e.data)][0];
        throw new Error(`event ${e.type}: payload does not match its schema (${first?.instancePath ?? ''} ${first?.message ?? ''})`);
      }
      return { id: newId('msg'), type: t.type, version: t.version, tenant_id: e.tenantId ?? null, partner_id: e.partnerId ?? null, payload: JSON.stringify(e.data), occurred_at: at, status: 'pending' as const, dispatched_at: null };
    });
    await repo.insertEvents(trx, rows);
  }

  /**
   * Write the events something will hear of: `emitMany` for the events people are told of, and — of
   * those only webhooks receive (catalog audience `none`: the provider's records) — the ones an
   * active endpoint of the event's tenant, its partner or the platform subscribes to now. A sync of
   * a million invoices with no endpoint listening writes no outbox row, which was half the database's
   * work per invoice (the event's row, then its second version when the worker marked it dispatched).
   * An endpoint receives the events that happen while it is active, as before: one created meanwhile
   * gets those committed after it. Returns how many were written.
   */
  async emitToListeners(trx: Tx, events: readonly EmitInput[]): Promise<number> {
    const quiet = events.filter((e) => eventType(e.type)?.audience === 'none');
    let keep = events;
    if (quiet.length > 0) {
      const owners = (k: 'tenantId' | 'partnerId') => [...new Set(quiet.map((e) => e[k]).filter((x): x is string => !!x))];
      const endpoints = await repo.endpointsOfOwners(trx, owners('tenantId'), owners('partnerId'));
      keep = events.filter((e) => eventType(e.type)?.audience !== 'none' || endpoints.some((x) => endpointWants(x, e.type, e.tenantId ?? null, e.partnerId ?? null)));
    }
    await this.emitMany(trx, keep);
    return keep.length;
  }

  /**
   * Of these customers, the ones whose events of these types some active endpoint would receive (its
   * own, or the platform's): 'all' when a platform endpoint wants one of them, or when one of the
   * types is told to people as well, which `emitToListeners` keeps whoever listens.
   */
  async listeningTenants(trx: Tx, types: readonly string[], tenantIds: readonly string[]): Promise<ReadonlySet<string> | 'all'> {
    if (types.some((t) => eventType(t)?.audience !== 'none')) return 'all';
    const heard = new Set<string>();
    for (let i = 0; i < tenantIds.length; i += 1000) {
      for (const x of await repo.endpointsOfOwners(trx, tenantIds.slice(i, i + 1000), [])) {
        if (!types.some((t) => endpointWants(x, t, x.owner_type === 'tenant' ? x.owner_id : null, null))) continue;
        if (x.owner_type === 'platform') return 'all';
        if (x.owner_type === 'tenant') heard.add(x.owner_id);
      }
    }
    return heard;
  }

  /** The audit hook: the audited changes the catalog reports become events in their transaction. */
  async fromAudit(trx: Tx, ctx: RequestContext, entry: AuditEntry): Promise<void> {
    const type = FROM_AUDIT[entry.action];
    if (!type || (entry.outcome && entry.outcome !== 'success')) return;
    if (this.#payloadsByDatabase && type.startsWith('delegation.') && entry.targetId && (await this.#delegationEventAhead(trx, ctx, type, entry, entry.targetId))) return;
    const data = await this.#payload(trx, ctx, type, entry);
    // with the COMMIT, as the audit row it comes from: what the transaction does after reads earlier events only
    if (data) await this.emit(trx, { type, tenantId: entry.tenantId ?? null, partnerId: entry.partnerId ?? null, data }, { atCommit: true });
  }

  /** The delegation's event, its payload built by the database from the rows as the transaction has them now. */
  async #delegationEventAhead(trx: Tx, ctx: RequestContext, type: string, entry: AuditEntry, delegationId: string): Promise<boolean> {
    const t = eventType(type);
    if (!t) throw new Error(`unknown event type ${type}`);
    const details = entry.details ?? {};
    const select = delegationEventSelect({
      id: newId('msg'),
      type: t.type,
      version: t.version,
      tenantId: entry.tenantId ?? null,
      partnerId: entry.partnerId ?? null,
      delegationId,
      actorUserId: ctx.actor.userId ?? null,
      reason: typeof details.reason === 'string' ? details.reason : null,
      previousEndsAt: typeof details.from === 'string' ? details.from : null,
      occurredAt: this.#clock.now().toISOString(),
    });
    return writeAhead(trx, repo.insertEventFrom(trx, select), 'prepared');
  }

  async #payload(trx: Tx, ctx: RequestContext, type: string, entry: AuditEntry): Promise<Record<string, unknown> | null> {
    const details = entry.details ?? {};
    const reason = typeof details.reason === 'string' ? details.reason : null;
    if (type.startsWith('delegation.')) {
      // the delegation, its role's name, both parties' names and the actor's: one statement
      const userId = ctx.actor.userId ?? null;
      const d = entry.targetId ? await delegationEventNames(trx, entry.targetId, userId) : undefined;
      if (!d) return null;
      const base = {
        delegation: { id: d.id, origin: d.origin, role: d.role, role_name: d.role_name ?? d.role, status: d.status, starts_at: d.starts_at, ends_at: d.ends_at },
        tenant: { id: d.tenant_id, name: d.tenant_name ?? d.tenant_id },
        partner: { id: d.partner_id, name: d.partner_name ?? d.partner_id },
        actor: { user_id: userId, name: userId ? (d.actor_name ?? null) : null },
        reason: reason ?? (type === 'delegation.requested' ? d.justification : null),
      };
      if (type === 'delegation.extended') return { ...base, previous_ends_at: typeof details.from === 'string' ? details.from : null };
      return base;
    }
    const actor = await this.#actor(trx, ctx);
    if (type.startsWith('consent.')) {
      if (!entry.tenantId || !entry.partnerId) return null;
      return {
        tenant: await this.#tenant(trx, entry.tenantId),
        partner: await this.#partner(trx, entry.partnerId),
        actor,
        delegation_id: entry.targetType === 'delegation' ? (entry.targetId ?? null) : null,
        grant_id: entry.targetType === 'oauth_grant' ? (entry.targetId ?? null) : null,
      };
    }
    if (type.startsWith('partner.')) {
      if (!entry.partnerId) return null;
      const p = await partnerQueries.findPartnerById(trx, entry.partnerId);
      return { partner: { id: entry.partnerId, name: p?.name ?? entry.partnerId }, actor, reason, capabilities: p ? (JSON.parse(p.capabilities) as string[]) : [] };
    }
    if (type === 'referral.signed_up') {
      if (!entry.partnerId || !entry.tenantId) return null;
      const code = String(details.code ?? '');
      const label = await referralCodeLabel(trx, code);
      return { partner: await this.#partner(trx, entry.partnerId), tenant: await this.#tenant(trx, entry.tenantId), code, code_label: label, source: String(details.source ?? 'signup') };
    }
    if (type === 'agreement.approved') {
      if (!entry.partnerId || !entry.targetId) return null;
      const a = await findAgreementTitle(trx, entry.targetId);
      if (!a) return null;
      return { partner: await this.#partner(trx, entry.partnerId), agreement: { id: a.id, version: Number(a.version), title: a.title }, actor };
    }
    if (type === 'payout.recorded') {
      if (!entry.partnerId || !entry.targetId) return null;
      const payout = { id: entry.targetId, amount_minor: Number(details.amount_minor ?? 0), currency: String(details.currency ?? ''), reference: String(details.reference ?? ''), paid_date: String(details.paid_date ?? ''), lines: Number(details.lines ?? 0) };
      return { partner: await this.#partner(trx, entry.partnerId), payout, actor };
    }
    if (type === 'invitation.sent') {
      const org = entry.action.startsWith('tenant.')
        ? { type: 'tenant', ...(await this.#tenant(trx, entry.tenantId ?? '')) }
        : { type: 'partner', ...(await this.#partner(trx, entry.partnerId ?? '')) };
      return { invitation: { id: entry.targetId ?? '', email: String(details.email ?? ''), role: String(details.role ?? '') }, organization: org, actor };
    }
    return null;
  }

  async #tenant(trx: Tx, id: string) {
    const t = await tenantQueries.findTenantById(trx, id);
    return { id, name: t?.name ?? id };
  }

  async #partner(trx: Tx, id: string) {
    const p = await partnerQueries.findPartnerById(trx, id);
    return { id, name: p?.name ?? id };
  }

  async #actor(trx: Tx, ctx: RequestContext) {
    const userId = ctx.actor.userId;
    if (!userId) return { user_id: null, name: null };
    const u = await identityQueries.findUserById(trx, userId);
    return { user_id: userId, name: u?.name ?? null };
  }
}
