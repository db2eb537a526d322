/**
 * Time-bound access that manages itself (GDAP-plus):
 *  - a tenant admin makes a link *eligible* (its role grants nothing until activated), sets the
 *    longest activation and whether an activation needs approval, auto-extend and privileged roles;
 *  - a partner member activates an eligible link for a bounded time with a reason, after a fresh
 *    second factor (step-up), optionally after a tenant admin's approval; the window ends by itself
 *    (decide() compares its end with now: `activation_required` outside it);
 *  - every change is audited and written to the domain-event outbox in its transaction, and
 *    reaches the decision snapshot through the change feed (entity `delegation_jit`): the request
 *    path reads no database.
 * The scheduled side (auto-extend, expiry notices) is lifecycle-sweep.ts.
 */
import type { Tx } from '../../platform/db/database.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import { DelegationSteps } from './delegation-steps.ts';
import type * as repo from './delegations.repo.ts';
import type { DelegationsDeps } from './delegations.types.ts';
import { activationErrors as E } from './activations.errors.ts';
import { delegationErrors as DE } from './delegations.errors.ts';
import { parseRoleList, roleQueries } from '../authz/index.ts';
import { identityQueries } from '../identity/index.ts';
import { partnerQueries } from '../partners/index.ts';
import { tenantQueries } from '../tenants/index.ts';
import * as jit from './activations.repo.ts';
import type { ActivationRow, JitSettingsRow } from './activations.repo.ts';
import * as views from './delegation-views.ts';
import { problemDetails as PD } from './delegations.problem-details.ts';

/** The event outbox seam (notifications' EventOutbox.emit). */
export interface EventSink {
  emit(trx: Tx, e: { type: string; tenantId?: string | null; partnerId?: string | null; data: Record<string, unknown> }): Promise<unknown>;
}

/** The step-up seam: when this session last proved a second factor (identity's MfaService.sessionMfaAt). */
export interface SecondFactorCheck {
  sessionMfaAt(sessionId: string): Promise<string | null>;
}

export interface ActivationsDeps extends DelegationsDeps {
  events: EventSink;
  mfa: SecondFactorCheck;
}

/** A second factor counts for an activation this long after it was proven (the step-up window). */
export const ACTIVATION_STEP_UP_MS = 10 * 60_000;
export const MIN_ACTIVATION_MINUTES = 15;
export const MAX_ACTIVATION_MINUTES = 24 * 60;

export type { ActivationRow, JitSettingsRow } from './activations.repo.ts';

export interface JitSettings {
  /** the link's own role is eligible too (nothing standing) */
  eligible: boolean;
  /** roles granted on top of the link's standing role only while a member's activation is open */
  eligible_roles: string[];
  max_activation_minutes: number;
  approval_required: boolean;
  auto_extend: boolean;
  auto_extend_days: number;
  privileged_roles: string[];
}

/** A link without a settings row: standing, and auto-extended by 180 days like GDAP unless the tenant opts out. */
export const DEFAULT_JIT_SETTINGS: JitSettings = { eligible: false, eligible_roles: [], max_activation_minutes: 480, approval_required: false, auto_extend: true, auto_extend_days: 180, privileged_roles: [] };

/** The link has something to activate: its own role is eligible, or it carries eligible roles. */
export const hasEligible = (s: JitSettings): boolean => s.eligible || s.eligible_roles.length > 0;

/** The roles that keep a link from auto-extending: privileged ones among its role and eligible roles. */
export function privilegedOn(role: string, s: JitSettings): string[] {
  return [role, ...s.eligible_roles].filter((r, i, all) => s.privileged_roles.includes(r) && all.indexOf(r) === i);
}

export function settingsOf(r: JitSettingsRow | undefined): JitSettings {
  if (!r) return { ...DEFAULT_JIT_SETTINGS, eligible_roles: [], privileged_roles: [] };
  const privileged = parseRoleList(r.privileged_roles);
  return { eligible: r.eligible === 1, eligible_roles: parseRoleList(r.eligible_roles), max_activation_minutes: r.max_activation_minutes, approval_required: r.approval_required === 1, auto_extend: r.auto_extend === 1, auto_extend_days: r.auto_extend_days, privileged_roles: privileged };
}

export interface ActivationView extends ActivationRow {
  user_name: string | null;
  user_email: string | null;
  tenant_name: string;
  partner_name: string;
  role: string;
  decided_by_name: string | null;
}

export class ActivationsService {
  readonly #d: ActivationsDeps;
  readonly #s: DelegationSteps;
  constructor(d: ActivationsDeps) {
    this.#d = d;
    this.#s = new DelegationSteps(d);
  }

  #now(): Date {
    return this.#d.clock.now();
  }

  async settings(delegationId: string): Promise<JitSettings> {
    return settingsOf(await jit.findSettings(this.#d.db.kysely, delegationId));
  }

  /** The tenant sets how a link may be used: eligible or standing, activation limits, auto-extend. */
  async updateSettings(ctx: RequestContext, tenantId: string, delegationId: string, patch: Partial<JitSettings>): Promise<JitSettings> {
    return this.#s.write(async (trx) => {
      const d = await this.#s.load(trx, delegationId, { tenantId });
      if (d.origin !== 'link') throw E.link_only(PD.eligibleAccessApprovalAuto);
      for (const key of ['privileged_roles', 'eligible_roles'] as const) {
        for (const [i, r] of (patch[key] ?? []).entries()) {
          const role = this.#d.roles.get(r);
          if (!role || (key === 'eligible_roles' && role.catalog !== 'delegation')) throw E.role_invalid(PD.unknownRole, { values: { r }, fields: [{ pointer: `/${key}/${i}`, detail: 'unknown role' }] });
        }
      }
      const cur = settingsOf(await jit.findSettings(trx, d.id));
      const next: JitSettings = { ...cur, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
      const nowIso = this.#now().toISOString();
      const row = {
        eligible: next.eligible ? 1 : 0,
        max_activation_minutes: next.max_activation_minutes,
        approval_required: next.approval_required ? 1 : 0,
        auto_extend: next.auto_extend ? 1 : 0,
        auto_extend_days: next.auto_extend_days,
        privileged_roles: JSON.stringify([...new Set(next.privileged_roles)]),
        eligible_roles: JSON.stringify([...new Set(next.eligible_roles)].filter((r) => r !== d.role)),
        updated_at: nowIso,
        updated_by: ctx.actor.userId ?? null,
      };
      await jit.upsertSettings(trx, { delegation_id: d.id, tenant_id: d.tenant_id, partner_id: d.partner_id }, row);
      await this.#d.feed.record(trx, 'delegation_jit', d.id);
      await this.#d.audit.record(trx, ctx, { action: 'delegation.access_settings_changed', tenantId: d.tenant_id, partnerId: d.partner_id, targetType: 'delegation', targetId: d.id, details: { from: cur, to: next } });
      return next;
    });
  }

  /**
   * A partner member activates an eligible link for `minutes` with a reason. Needs a second factor
   * proven in this session within ACTIVATION_STEP_UP_MS. Active at once, or waiting for a tenant
   * admin when the tenant asks for approval.
   */
  async activate(ctx: RequestContext, who: { partnerId: string; userId: string; sessionId: string | null }, delegationId: string, input: { minutes: number; justification: string }): Promise<ActivationRow> {
    const justification = input.justification.trim();
    if (justification.length < 5) throw E.justification_required(PD.sayFewWordsWhy, { fields: [{ pointer: '/justification', detail: 'too short' }] });
    const mfaAt = who.sessionId ? await this.#d.mfa.sessionMfaAt(who.sessionId) : null;
    const now = this.#now();
    if (mfaAt === null || now.getTime() - Date.parse(mfaAt) > ACTIVATION_STEP_UP_MS) {
      throw E.activation_step_up_required(PD.confirmAuthenticatorAppPasskey);
    }
    return this.#s.write(async (trx) => {
      const d = await this.#s.load(trx, delegationId, { partnerId: who.partnerId });
      const st = settingsOf(await jit.findSettings(trx, d.id));
      if (d.origin !== 'link' || !hasEligible(st)) throw E.not_eligible(PD.accessStandingAccessNot);
      const nowIso = now.toISOString();
      if (d.status !== 'active' || d.ends_at <= nowIso || d.starts_at > nowIso) throw E.link_not_active(d.status === 'active' ? PD.linkOutsideItsDates : PD.linkIsStatus, { values: { status: d.status } });
      if (!Number.isInteger(input.minutes) || input.minutes < MIN_ACTIVATION_MINUTES || input.minutes > st.max_activation_minutes) {
        throw E.activation_too_long(`Choose between ${MIN_ACTIVATION_MINUTES} minutes and ${fmtMinutes(st.max_activation_minutes)}.`, { fields: [{ pointer: '/minutes', detail: `at most ${st.max_activation_minutes}` }] });
      }
      const open = await jit.findOpenActivation(trx, d.id, who.userId, nowIso);
      if (open) throw E.activation_open(open.status === 'pending' ? 'Your earlier activation is still waiting for the tenant.' : 'Your access is already active.');
      const pending = st.approval_required;
      const endsAt = pending ? null : minIso(new Date(now.getTime() + input.minutes * 60_000).toISOString(), d.ends_at);
      const row: ActivationRow = {
        id: newId('act'),
        delegation_id: d.id,
        tenant_id: d.tenant_id,
        partner_id: d.partner_id,
        user_id: who.userId,
        status: pending ? 'pending' : 'active',
        justification,
        duration_minutes: input.minutes,
        requested_at: nowIso,
        mfa_at: mfaAt,
        decided_by: null,
        decided_at: null,
        decision_reason: null,
        starts_at: pending ? null : nowIso,
        ends_at: endsAt,
      };
      await jit.insertActivation(trx, row);
      await this.#d.feed.record(trx, 'delegation_jit', d.id);
      await this.#d.audit.record(trx, ctx, {
        action: pending ? 'delegation.activation_requested' : 'delegation.activated',
        tenantId: d.tenant_id,
        partnerId: d.partner_id,
        targetType: 'delegation',
        targetId: d.id,
        details: { activation_id: row.id, minutes: input.minutes, justification, ends_at: endsAt },
      });
      if (!pending) await this.#emitActivated(trx, ctx, d, row);
      return row;
    });
  }

  /** A tenant admin other than the requester approves (the window starts now), or a tenant admin rejects, a waiting activation. */
  async decide(ctx: RequestContext, tenantId: string, activationId: string, approve: boolean, reason: string | null): Promise<ActivationRow> {
    return this.#s.write(async (trx) => {
      const a0 = await jit.findActivationLink(trx, activationId);
      if (!a0 || a0.tenant_id !== tenantId) throw E.activation_not_found(PD.noSuchActivation);
      const d = await this.#s.load(trx, a0.delegation_id, { tenantId });
      await this.#s.requireTenantAdmin(trx, tenantId, ctx);
      const a = (await jit.findActivation(trx, activationId))!;
      if (a.status !== 'pending') throw E.activation_not_pending(PD.activation, { values: { status: a.status } });
      // Separation of duties: a partner member who is also an admin of the tenant asked for this
      // access; another admin of the tenant must approve it (it waits until one does). Rejecting
      // one's own request stays allowed: it grants nothing.
      if (approve && a.user_id === ctx.actor.userId) throw DE.self_approval_forbidden('You asked for this access, so you cannot approve it: another admin of this tenant must.');
      const now = this.#now();
      const nowIso = now.toISOString();
      if (approve && (d.status !== 'active' || d.ends_at <= nowIso)) throw E.link_not_active(d.status === 'active' ? PD.linkPastItsEndDate : PD.linkIsStatus, { values: { status: d.status } });
      const patch = approve
        ? { status: 'active' as const, starts_at: nowIso, ends_at: minIso(new Date(now.getTime() + a.duration_minutes * 60_000).toISOString(), d.ends_at) }
        : { status: 'rejected' as const };
      await jit.updateActivation(trx, a.id, { ...patch, decided_by: ctx.actor.userId ?? null, decided_at: nowIso, decision_reason: reason }, true);
      const updated: ActivationRow = { ...a, ...patch, decided_by: ctx.actor.userId ?? null, decided_at: nowIso, decision_reason: reason };
      await this.#d.feed.record(trx, 'delegation_jit', d.id);
      await this.#d.audit.record(trx, ctx, {
        action: approve ? 'delegation.activated' : 'delegation.activation_rejected',
        tenantId: d.tenant_id,
        partnerId: d.partner_id,
        targetType: 'delegation',
        targetId: d.id,
        details: { activation_id: a.id, for_user_id: a.user_id, minutes: a.duration_minutes, ends_at: updated.ends_at, reason },
      });
      if (approve) await this.#emitActivated(trx, ctx, d, updated);
      return updated;
    });
  }

  /** The member ends their own activation early. */
  async end(ctx: RequestContext, who: { partnerId: string; userId: string }, activationId: string): Promise<ActivationRow> {
    return this.#s.write(async (trx) => {
      const a = await jit.findActivation(trx, activationId);
      if (!a || a.partner_id !== who.partnerId || a.user_id !== who.userId) throw E.activation_not_found(PD.noSuchActivation);
      const nowIso = this.#now().toISOString();
      if (a.status === 'pending' || (a.status === 'active' && a.ends_at !== null && a.ends_at > nowIso)) {
        const patch = a.status === 'pending' ? { status: 'cancelled' as const } : { ends_at: nowIso };
        await jit.updateActivation(trx, a.id, patch);
        await this.#d.feed.record(trx, 'delegation_jit', a.delegation_id);
        await this.#d.audit.record(trx, ctx, { action: 'delegation.activation_ended', tenantId: a.tenant_id, partnerId: a.partner_id, targetType: 'delegation', targetId: a.delegation_id, details: { activation_id: a.id } });
        return { ...a, ...patch };
      }
      return a;
    });
  }

  /** Activations, newest first, of a tenant or a partner (optionally one delegation or one status). */
  list(scope: { tenantId?: string; partnerId?: string; delegationId?: string; status?: ActivationRow['status'] }, limit = 200): Promise<ActivationView[]> {
    return views.listActivations(this.#d.db.kysely, scope, limit);
  }

  /** Eligible settings of a tenant's or partner's links (one query for a list page). */
  async settingsFor(scope: { tenantId?: string; partnerId?: string }): Promise<Map<string, JitSettings>> {
    return new Map((await jit.listSettings(this.#d.db.kysely, scope)).map((r) => [r.delegation_id, settingsOf(r)]));
  }

  async #emitActivated(trx: Tx, ctx: RequestContext, d: repo.DelegationRow, a: ActivationRow): Promise<void> {
    await this.#d.events.emit(trx, {
      type: 'delegation.activated',
      tenantId: d.tenant_id,
      partnerId: d.partner_id,
      data: { ...(await eventBase(trx, d, ctx.actor.userId ?? null)), reason: a.justification, active_until: a.ends_at! },
    });
  }
}

/** The common part of a delegation event's payload (notifications' DelegationEvent). */
export async function eventBase(trx: Tx, d: repo.DelegationRow, actorUserId: string | null) {
  const [t, p, u, roleName] = await Promise.all([
    tenantQueries.findTenantById(trx, d.tenant_id),
    partnerQueries.findPartnerById(trx, d.partner_id),
    actorUserId ? identityQueries.findUserById(trx, actorUserId) : Promise.resolve(undefined),
    roleQueries.roleName(trx, d.role),
  ]);
  return {
    delegation: { id: d.id, origin: d.origin, role: d.role, role_name: roleName ?? d.role, status: d.status, starts_at: d.starts_at, ends_at: d.ends_at },
    tenant: { id: d.tenant_id, name: t?.name ?? d.tenant_id },
    partner: { id: d.partner_id, name: p?.name ?? d.partner_id },
    actor: { user_id: actorUserId, name: u?.name ?? null },
    reason: null as string | null,
  };
}

const minIso = (a: string, b: string) => (a < b ? a : b);

function fmtMinutes(m: number): string {
  if (m % 60 === 0) return `${m / 60} hour${m === 60 ? '' : 's'}`;
  return `${m} minutes`;
}
