/**
 * OpenID AuthZEN Authorization API 1.0 over Partnergate's decision engine: the AuthZEN
 * subject / action / resource mapped onto decide() and the partner's reach (authz/reach.ts), answered from the
 * in-memory snapshot (no database on the request path), so every answer is the engine's.
 *
 * The mapping:
 *   subject  {type: "partner", id: ptr_…}  the partner, through its links, wholesale delegations, its resellers' links
 *                                          (a distributor) and its apps' consents (decideReach)
 *            {type: "user", id: usr_…}     one of the partner's people, bound to the partner (decide() with
 *                                          UserPrincipal.partnerId; properties.mfa: signed in with a second factor)
 *   resource {type: "tenant", id: tnt_…}   the tenant
 *            {type: "ban", id: ban_… or an account number, properties.tenant_id}
 *                                          a billing account of the tenant (tenant_id absent: the account's own tenant)
 *   action   {name: "billing.invoices.read"} a permission name
 *   context  {purpose: "billing_management"} (optional) the purpose the call serves, a catalog id: allowed
 *            only when the access the subject acts through holds it — the gateway's purpose rule
 *            (purposes/purpose-rule.ts) on the same delegation the gateway would admit it through
 *
 * Who may ask about whom: a partner app's client-credentials token asks about its own partner and
 * its people only. Another partner is answered as the engine answers a partner that does not
 * exist, and another organisation's person as a user who is not the partner's member — the same
 * answer as for an id that exists nowhere — so no answer says anything about another organisation.
 * Denials carry the engine's refusal code and the code's fixed words, never the engine's free
 * text (which can name the delegation's approver or dates).
 *
 * Searches (§8–10) walk only what can be allowed — the partner's delegated tenants, their
 * accounts, the partner's people, the permission catalog — and keep what the engine allows, so
 * a result fed back into an evaluation is allowed (§8.1), sorted by id, paged by an opaque
 * token naming the last id given and the query it belongs to.
 */
import { createHash } from 'node:crypto';
import { titleFor } from '../../platform/errors/app-error.ts';
import { purposeRefusal } from '../purposes/index.ts';
import { customersOf, decide, decideReach, decideReachHolding, isPermissionName, partnersOf, reachRoutes, type AuthzSnapshot, type AuthzTarget, type Decision, type ReachRoute, type RoleCatalog } from '../authz/index.ts';
import { authzenErrors as E } from './authzen.errors.ts';

export const PDP_SCOPE = 'authzen.evaluate';
export const SUBJECT_TYPES = ['partner', 'user'] as const;
export const RESOURCE_TYPES = ['tenant', 'ban'] as const;
export const EVALUATIONS_SEMANTICS = ['execute_all', 'deny_on_first_deny', 'permit_on_first_permit'] as const;
export type EvaluationsSemantic = (typeof EVALUATIONS_SEMANTICS)[number];

/** a partner id no partner has: another organisation's partner is decided as this one */
const NO_PARTNER = 'ptr_00000000000000000000000000';
/** a tenant id no tenant has: an account the snapshot does not know is decided on this tenant */
const NO_TENANT = 'tnt_00000000000000000000000000';
export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 1000;

export interface Entity {
  type: string;
  id?: string;
  properties?: Record<string, unknown>;
}
export interface Action {
  name: string;
  properties?: Record<string, unknown>;
}
export interface EvaluationRequest {
  subject: Entity;
  action: Action;
  resource: Entity;
  context?: Record<string, unknown>;
}
export interface EvaluationResponse {
  decision: boolean;
  context?: { code: string; reason: string };
}
export interface EvaluationsRequest {
  subject?: Entity;
  action?: Action;
  resource?: Entity;
  context?: Record<string, unknown>;
  evaluations?: Partial<EvaluationRequest>[];
  options?: { evaluations_semantic?: EvaluationsSemantic; [k: string]: unknown };
}
export interface PageRequest {
  token?: string;
  limit?: number;
}
export interface SearchRequest {
  subject: Entity;
  action?: Action;
  resource: Entity;
  context?: Record<string, unknown>;
  page?: PageRequest;
}
/** A search result: a subject or resource the engine allows. */
export interface Found {
  type: string;
  id: string;
  properties?: { tenant_id: string };
}
export interface PageResponse {
  next_token: string;
  count: number;
  total: number;
}

/** What a partner (or one of its people) can do on one tenant: the permissions, and the accounts (null: every one of the tenant's). */
export interface Reach {
  partnerId: string;
  tenantId: string;
  permissions: string[];
  accounts: string[] | null;
  /** why: the relationships that give the access now */
  routes: readonly ReachRoute[];
}
export interface PersonReach {
  userId: string;
  permissions: string[];
  accounts: string[] | null;
}

/** The asking PEP: a partner app (client credentials) of this partner. */
export interface Caller {
  partnerId: string;
  clientId: string;
}

export interface AuthzenDeps {
  snapshot: AuthzSnapshot;
  roles: RoleCatalog;
  now: () => number;
  /** each open delegation's current purposes and the catalog's names (the index the gateway reads) */
  purposes?: { of(delegationId: string): readonly string[]; nameOf(purposeId: string): string | undefined } | null;
}

/** What an evaluation answers: the engine's decision, or the purpose rule's refusal. */
type Answer = { allow: true } | { allow: false; code: string };
const NOT_HELD: Answer = { allow: false, code: 'purpose_required' };
const NONE: readonly string[] = Object.freeze([]);

type Subject = { kind: 'partner'; partnerId: string } | { kind: 'user'; userId: string; partnerId: string; mfa: boolean };

export class AuthzenService {
  readonly #d: AuthzenDeps;
  #actions: string[] | null = null;

  constructor(d: AuthzenDeps) {
    this.#d = d;
  }

  // ---- evaluation (§6) --------------------------------------------------------------------------

  evaluate(caller: Caller, r: EvaluationRequest, now = this.#d.now()): EvaluationResponse {
    const subject = this.#subject(caller, r.subject, '/body/subject');
    const action = this.#action(r.action, '/body/action');
    const target = this.#target(r.resource, '/body/resource');
    return toResponse(this.#decide(subject, action, target, now, this.#purpose(r.context, '/body/context/purpose')));
  }

  // ---- evaluations (§7): defaults at the top level, three semantics ------------------------------

  evaluateMany(caller: Caller, r: EvaluationsRequest, now = this.#d.now()): { evaluations: EvaluationResponse[] } {
    const items = r.evaluations ?? [];
    // §7.1: no evaluations array — the top level is one evaluation
    if (items.length === 0) {
      if (!r.subject || !r.action || !r.resource) throw E.authzen_evaluation_incomplete('Send subject, action and resource, at the top level or in each of evaluations.');
      return { evaluations: [this.evaluate(caller, { subject: r.subject, action: r.action, resource: r.resource, context: r.context }, now)] };
    }
    // every item is checked before any is decided: a bad item is the request's 400, whatever the semantic would have stopped at
    const resolved = items.map((e, i) => {
      const subject = e.subject ?? r.subject;
      const action = e.action ?? r.action;
      const resource = e.resource ?? r.resource;
      if (!subject || !action || !resource) {
        const missing = [!subject && 'subject', !action && 'action', !resource && 'resource'].filter(Boolean).join(', ');
        throw E.authzen_evaluation_incomplete(`Evaluation ${i} has no ${missing}, and there is no default at the top level.`, { fields: [{ pointer: `/body/evaluations/${i}`, detail: `no ${missing}` }] });
      }
      const at = (k: 'subject' | 'action' | 'resource' | 'context') => (e[k] ? `/body/evaluations/${i}/${k}` : `/body/${k}`);
      const purpose = this.#purpose(e.context ?? r.context, `${at('context')}/purpose`);
      return { subject: this.#subject(caller, subject, at('subject')), action: this.#action(action, at('action')), target: this.#target(resource, at('resource')), purpose };
    });
    const semantic = r.options?.evaluations_semantic ?? 'execute_all';
    const out: EvaluationResponse[] = [];
    for (const q of resolved) {
      const d = this.#decide(q.subject, q.action, q.target, now, q.purpose);
      out.push(toResponse(d));
      if (semantic === 'deny_on_first_deny' && !d.allow) break;
      if (semantic === 'permit_on_first_permit' && d.allow) break;
    }
    return { evaluations: out };
  }

  // ---- searches (§8–10) -------------------------------------------------------------------------

  /** The tenants or billing accounts the subject may act on (for the action; no action: for anything). */
  searchResource(caller: Caller, r: SearchRequest, now = this.#d.now()): { results: Found[]; page: PageResponse } {
    const subject = this.#subject(caller, r.subject, '/body/subject');
    const action = r.action ? this.#action(r.action, '/body/action') : null;
    const type = this.#resourceType(r.resource, '/body/resource/type');
    const purpose = this.#purpose(r.context, '/body/context/purpose');
    const snap = this.#d.snapshot;
    const tenants = customersOf(snap, subject.partnerId);
    let ids: string[];
    if (type === 'tenant') {
      ids = tenants.filter((tenantId) => this.#decide(subject, action, { tenantId }, now, purpose).allow);
    } else {
      // every account of a delegated tenant (a delegation may cover some accounts only)
      const reach = new Set(tenants);
      ids = [];
      if (reach.size > 0) {
        for (const b of snap.bans.values()) {
          if (reach.has(b.tenantId) && this.#decide(subject, action, { tenantId: b.tenantId, ban: b.id }, now, purpose).allow) ids.push(b.id);
        }
      }
    }
    const key = queryKey('resource', r.subject, action, type);
    const p = paged(ids, r.page, key);
    return {
      results: p.ids.map((id) => (type === 'tenant' ? { type, id } : { type, id, properties: { tenant_id: snap.bans.get(id)!.tenantId } })),
      page: p.page,
    };
  }

  /** The partner, or the partner's people, who may act on the tenant or account (for the action; none: for anything). */
  searchSubject(caller: Caller, r: SearchRequest, now = this.#d.now()): { results: Found[]; page: PageResponse } {
    const type = this.#subjectType(r.subject, '/body/subject/type');
    const action = r.action ? this.#action(r.action, '/body/action') : null;
    const target = this.#target(r.resource, '/body/resource');
    const purpose = this.#purpose(r.context, '/body/context/purpose');
    const snap = this.#d.snapshot;
    const ids: string[] = [];
    if (type === 'partner') {
      if (this.#decide({ kind: 'partner', partnerId: caller.partnerId }, action, target, now, purpose).allow) ids.push(caller.partnerId);
    } else {
      const mfa = r.subject.properties?.mfa === true;
      for (const u of snap.users.values()) {
        if (u.partner?.id !== caller.partnerId) continue;
        if (this.#decide({ kind: 'user', userId: u.id, partnerId: caller.partnerId, mfa }, action, target, now, purpose).allow) ids.push(u.id);
      }
    }
    const p = paged(ids, r.page, queryKey('subject', type, action, r.resource));
    return { results: p.ids.map((id) => ({ type, id })), page: p.page };
  }

  /** The permissions the subject holds on the tenant or account. */
  searchAction(caller: Caller, r: SearchRequest, now = this.#d.now()): { results: Action[]; page: PageResponse } {
    const subject = this.#subject(caller, r.subject, '/body/subject');
    const target = this.#target(r.resource, '/body/resource');
    const purpose = this.#purpose(r.context, '/body/context/purpose');
    const names = this.#catalog().filter((name) => this.#decide(subject, name, target, now, purpose).allow);
    const p = paged(names, r.page, queryKey('action', r.subject, r.resource));
    return { results: p.ids.map((name) => ({ name })), page: p.page };
  }

  // ---- reach: the same answers for the portal (operators, tenant admins) --------------------------

  /**
   * "Which tenants can this partner reach, with what": every tenant the engine lets the partner act
   * on now, with the permissions it holds there and the billing accounts it covers — the resource
   * and action searches of §8–10 for a subject named by an operator rather than by the partner's
   * own app. Sorted by tenant id.
   */
  tenantsOfPartner(partnerId: string, now = this.#d.now()): Reach[] {
    const subject: Subject = { kind: 'partner', partnerId };
    const tenants = customersOf(this.#d.snapshot, partnerId);
    const bans = this.#bansOf(tenants);
    return tenants.flatMap((tenantId) => {
      const r = this.#reach(subject, tenantId, bans.get(tenantId) ?? [], now);
      return r === null ? [] : [{ partnerId, tenantId, ...r, routes: reachRoutes(this.#d.snapshot, partnerId, tenantId, now) }];
    });
  }

  /**
   * "Who can reach this tenant": every partner the engine lets act on it now, with what, and those
   * of the partner's people who can, with what (as when signed in with a second factor: the most a
   * person can do). Sorted by partner id.
   */
  partnersOfTenant(tenantId: string, now = this.#d.now()): (Reach & { people: PersonReach[] })[] {
    const snap = this.#d.snapshot;
    const bans = this.#bansOf([tenantId]).get(tenantId) ?? [];
    const partners = partnersOf(snap, tenantId);
    const out: (Reach & { people: PersonReach[] })[] = [];
    const reaching = new Map<string, Reach & { people: PersonReach[] }>();
    for (const partnerId of partners) {
      const r = this.#reach({ kind: 'partner', partnerId }, tenantId, bans, now);
      if (r === null) continue;
      const entry = { partnerId, tenantId, ...r, routes: reachRoutes(snap, partnerId, tenantId, now), people: [] as PersonReach[] };
      reaching.set(partnerId, entry);
      out.push(entry);
    }
    if (reaching.size > 0) {
      for (const u of snap.users.values()) {
        const entry = u.partner ? reaching.get(u.partner.id) : undefined;
        if (entry === undefined) continue;
        const r = this.#reach({ kind: 'user', userId: u.id, partnerId: entry.partnerId, mfa: true }, tenantId, bans, now);
        if (r !== null) entry.people.push({ userId: u.id, ...r });
      }
      for (const e of out) e.people.sort((a, b) => (a.userId < b.userId ? -1 : 1));
    }
    return out;
  }

  /** The subject's reach on one tenant: null when it may do nothing there. */
  #reach(s: Subject, tenantId: string, bans: readonly string[], now: number): { permissions: string[]; accounts: string[] | null } | null {
    const onTenant = this.#decide(s, null, { tenantId }, now).allow;
    const accounts = bans.filter((ban) => this.#decide(s, null, { tenantId, ban }, now).allow);
    if (!onTenant && accounts.length === 0) return null;
    const permissions = this.#catalog().filter(
      (name) => (onTenant && this.#decide(s, name, { tenantId }, now).allow) || accounts.some((ban) => this.#decide(s, name, { tenantId, ban }, now).allow),
    );
    return { permissions, accounts: onTenant && accounts.length === bans.length ? null : accounts };
  }

  /** The billing accounts of these tenants, by tenant, sorted by id (one walk over the accounts). */
  #bansOf(tenantIds: readonly string[]): Map<string, string[]> {
    const want = new Set(tenantIds);
    const out = new Map<string, string[]>();
    if (want.size === 0) return out;
    for (const b of this.#d.snapshot.bans.values()) {
      if (!want.has(b.tenantId)) continue;
      const list = out.get(b.tenantId);
      if (list) list.push(b.id);
      else out.set(b.tenantId, [b.id]);
    }
    for (const list of out.values()) list.sort();
    return out;
  }

  // ---- mapping ------------------------------------------------------------------------------------

  #decide(s: Subject, action: string | null, target: AuthzTarget, now: number): Decision;
  #decide(s: Subject, action: string | null, target: AuthzTarget, now: number, purpose: string | null): Answer;
  #decide(s: Subject, action: string | null, target: AuthzTarget, now: number, purpose: string | null = null): Decision | Answer {
    const snap = this.#d.snapshot;
    if (purpose === null) {
      return s.kind === 'partner'
        ? decideReach(snap, s.partnerId, action, target, now)
        : decide(snap, { type: 'user', userId: s.userId, partnerId: s.partnerId, mfa: s.mfa }, action, target, now);
    }
    // the purpose rule on the delegation each caller is admitted through, as the gateway applies it
    const heldBy = (id: string) => this.#d.purposes?.of(id) ?? NONE;
    if (s.kind === 'partner') return decideReachHolding(snap, s.partnerId, action, target, now, (id) => purposeRefusal(purpose, null, id, heldBy) === null) ?? NOT_HELD;
    const d = decide(snap, { type: 'user', userId: s.userId, partnerId: s.partnerId, mfa: s.mfa }, action, target, now);
    return !d.allow || purposeRefusal(purpose, null, d.delegationId, heldBy) === null ? d : NOT_HELD;
  }

  /** context.purpose: absent, or one purpose of the catalog (the id X-Purpose names at the gateway). */
  #purpose(context: Record<string, unknown> | undefined, pointer: string): string | null {
    const p = context?.purpose;
    if (p === undefined || p === null) return null;
    if (typeof p !== 'string' || this.#d.purposes?.nameOf(p) === undefined) {
      throw E.authzen_purpose_unknown('Name one purpose of the catalog (GET /api/v1/purposes) in context.purpose, e.g. billing_management, or leave it out.', { fields: [{ pointer, detail: 'not a purpose of the catalog' }] });
    }
    return p;
  }

  #subjectType(s: Entity, pointer: string): (typeof SUBJECT_TYPES)[number] {
    if (!(SUBJECT_TYPES as readonly string[]).includes(s.type)) {
      throw E.authzen_subject_type_unsupported(`Subject type "${s.type}" is not one Partnergate decides about: "partner" or "user".`, { fields: [{ pointer, detail: 'partner or user' }] });
    }
    return s.type as (typeof SUBJECT_TYPES)[number];
  }

  #resourceType(r: Entity, pointer: string): (typeof RESOURCE_TYPES)[number] {
    if (!(RESOURCE_TYPES as readonly string[]).includes(r.type)) {
      throw E.authzen_resource_type_unsupported(`Resource type "${r.type}" is not one Partnergate decides about: "tenant" or "ban".`, { fields: [{ pointer, detail: 'tenant or ban' }] });
    }
    return r.type as (typeof RESOURCE_TYPES)[number];
  }

  #subject(caller: Caller, s: Entity, pointer: string): Subject {
    const type = this.#subjectType(s, `${pointer}/type`);
    const id = required(s.id, `${pointer}/id`, 'subject');
    // another organisation's partner answers as a partner that does not exist
    if (type === 'partner') return { kind: 'partner', partnerId: id === caller.partnerId ? id : NO_PARTNER };
    // a person is decided bound to the caller's partner: another organisation's answers as a non-member
    return { kind: 'user', userId: id, partnerId: caller.partnerId, mfa: s.properties?.mfa === true };
  }

  #action(a: Action, pointer: string): string {
    if (!isPermissionName(a.name)) {
      throw E.authzen_action_invalid(`"${a.name}" is not a permission name (dotted lowercase segments, no wildcard).`, { fields: [{ pointer: `${pointer}/name`, detail: 'malformed permission' }] });
    }
    return a.name;
  }

  #target(r: Entity, pointer: string): AuthzTarget {
    const type = this.#resourceType(r, `${pointer}/type`);
    const id = required(r.id, `${pointer}/id`, 'resource');
    if (type === 'tenant') return { tenantId: id };
    const named = r.properties?.tenant_id;
    const tenantId = typeof named === 'string' && named !== '' ? named : (this.#d.snapshot.ban(id)?.tenantId ?? NO_TENANT);
    return { tenantId, ban: id };
  }

  /** Every permission of the catalog, sorted. */
  #catalog(): string[] {
    this.#actions ??= [...this.#d.roles.permissions.keys()].sort();
    return this.#actions;
  }
}

function required(id: string | undefined, pointer: string, what: string): string {
  if (id === undefined || id === '') throw E.authzen_id_required(`The ${what} needs an id here.`, { fields: [{ pointer, detail: 'required' }] });
  return id;
}

/** A denial says the engine's code in fixed words: nothing about the delegation or whoever approved it. */
export function toResponse(d: Answer | Decision): EvaluationResponse {
  return d.allow ? { decision: true } : { decision: false, context: { code: d.code, reason: titleFor(d.code, 403) } };
}

/** What a page token is bound to: the search and its criteria (a token of another search is refused). */
function queryKey(...parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}

/**
 * One page of sorted ids after the token's last id (results added or removed between pages
 * neither repeat nor shift the rest). The token is base64url(JSON [query key, last id]).
 */
function paged(ids: string[], page: PageRequest | undefined, key: string): { ids: string[]; page: PageResponse } {
  ids.sort();
  const limit = page?.limit ?? DEFAULT_PAGE_LIMIT;
  let start = 0;
  if (page?.token !== undefined && page.token !== '') {
    const after = readToken(page.token, key);
    start = lowerBound(ids, after);
    if (start < ids.length && ids[start] === after) start++;
  }
  const slice = ids.slice(start, start + limit);
  const more = start + limit < ids.length;
  return {
    ids: slice,
    page: { next_token: more ? Buffer.from(JSON.stringify([key, slice[slice.length - 1]])).toString('base64url') : '', count: slice.length, total: ids.length },
  };
}

function readToken(token: string, key: string): string {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    v = null;
  }
  if (!Array.isArray(v) || v.length !== 2 || v[0] !== key || typeof v[1] !== 'string') {
    throw E.authzen_page_token_invalid('Send page.token exactly as the previous page of this same search gave it in page.next_token.', { fields: [{ pointer: '/body/page/token', detail: 'not a token of this search' }] });
  }
  return v[1];
}

function lowerBound(xs: string[], x: string): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
