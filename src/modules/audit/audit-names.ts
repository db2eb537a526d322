/**
 * The audit log for its readers: the names a page of events shows instead of ids — people,
 * partners, tenants, delegations, apps, agencies, invitations — limited to what the viewer may
 * know, and the event as the API shows it (toAuditEventDto).
 */
import { sql, type Selectable } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import type { AuditEventsTable } from '../../platform/db/schema.ts';

export type AuditRow = Selectable<AuditEventsTable>;

/** Who reads the log: what targetNames() may name. */
export type AuditView = { kind: 'operator' } | { kind: 'tenant'; tenantId: string } | { kind: 'partner'; partnerId: string };

export class AuditNames {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  /** The people and partners a page of events names (the tenant's view shows names, not ids). */
  async names(rows: readonly AuditRow[]): Promise<{ users: Map<string, { name: string; email: string }>; partners: Map<string, string> }> {
    const u = [...new Set(rows.map((r) => r.actor_user_id).filter((x): x is string => !!x))];
    const p = [...new Set(rows.flatMap((r) => [r.partner_id, r.actor_partner_id]).filter((x): x is string => !!x))];
    const db = this.#db.kysely;
    const [users, partners] = await Promise.all([
      u.length ? db.selectFrom('users').select(['id', 'name', 'email']).where('id', 'in', u).execute() : Promise.resolve([]),
      p.length ? db.selectFrom('partners').select(['id', 'name']).where('id', 'in', p).execute() : Promise.resolve([]),
    ]);
    return { users: new Map(users.map((x) => [x.id, { name: x.name, email: x.email }])), partners: new Map(partners.map((x) => [x.id, x.name])) };
  }

  /**
   * In a partner's view, who acted when it was not one of the partner's people: the platform's
   * operators as such, anyone else as "someone at" the tenant the event is about (when the partner
   * may know the tenant's name, `names` from targetNames()) — never the person. Keyed by event id.
   */
  async actorOrgs(rows: readonly AuditRow[], partnerId: string, names: ReadonlyMap<string, string>): Promise<Map<string, { kind: 'platform' | 'tenant'; name: string | null }>> {
    const outside = rows.filter((r) => r.actor_user_id && r.actor_partner_id !== partnerId);
    const out = new Map<string, { kind: 'platform' | 'tenant'; name: string | null }>();
    if (outside.length === 0) return out;
    const users = [...new Set(outside.map((r) => r.actor_user_id as string))];
    const operators = await this.#db.kysely.selectFrom('users').select('id').where('id', 'in', users).where('platform_role', 'is not', null).execute();
    const isOperator = new Set(operators.map((u) => u.id));
    for (const r of outside) {
      const tenant = r.tenant_id ? names.get(r.tenant_id) : undefined;
      if (isOperator.has(r.actor_user_id as string)) out.set(r.id, { kind: 'platform', name: null });
      else if (tenant !== undefined) out.set(r.id, { kind: 'tenant', name: tenant });
    }
    return out;
  }

  /**
   * Names for the targets of a page of events, so the log reads "Contoso" or "Bench MSP → Contoso"
   * instead of an id — and only the names the viewer may know: the operator every one; a tenant its
   * own name, the partners and apps it has (or had) a relationship with, its agencies, and each of
   * its delegations by the partner; a partner its own name, its apps, the tenants it has (or had) a
   * delegation with, and each of its delegations by the tenant; an invitation of one's own by the
   * address it went to. Any other target keeps no name
   * (people are named by the page, from the members it may list). Ids of other types are left out.
   */
  async targetNames(rows: readonly AuditRow[], view: AuditView): Promise<Map<string, string>> {
    const ids = targetIds(rows, view);
    const out = new Map<string, string>();
    if (Object.values(ids).every((list) => list.length === 0)) return out;
    const [delegations, tenants, partners, agencies, apps, invitations] = await this.#partyNames(ids, view);
    const [tickets, vouchers, orders, agreements] = await this.#recordNames(ids, view);
    for (const list of [tickets, vouchers, orders, agreements]) for (const x of list) out.set(x.id, x.name);
    for (const d of delegations) {
      if (view.kind === 'operator') out.set(d.id, `${d.partner_name} → ${d.tenant_name}`);
      else if (view.kind === 'tenant' && d.tenant_id === view.tenantId) out.set(d.id, d.partner_name);
      else if (view.kind === 'partner' && d.partner_id === view.partnerId) out.set(d.id, d.tenant_name);
    }
    for (const list of [tenants, partners, agencies, apps, invitations]) for (const x of list) out.set(x.id, x.name);
    return out;
  }

  /** Delegations (both sides' names), tenants, partners, agencies, apps and invitations: one lookup per kind, only when the page names some. */
  #partyNames({ dlg, tnt, ptr, agy, app, inv }: TargetIds, view: AuditView) {
    const db = this.#db.kysely;
    const related = relatedTo(db);
    return Promise.all([
      dlg.length
        ? db
            .selectFrom('delegations as d')
            .innerJoin('partners as p', 'p.id', 'd.partner_id')
            .innerJoin('tenants as t', 't.id', 'd.tenant_id')
            .select(['d.id', 'd.partner_id', 'd.tenant_id', 'p.name as partner_name', 't.name as tenant_name'])
            .where('d.id', 'in', dlg)
            .execute()
        : Promise.resolve([]),
      named(tnt, () => {
        let q = db.selectFrom('tenants').select(['id', 'name']).where('id', 'in', tnt);
        if (view.kind === 'tenant') q = q.where('id', '=', view.tenantId);
        if (view.kind === 'partner') q = q.where('id', 'in', related('partner_id', view.partnerId));
        return q.execute();
      }),
      named(ptr, () => {
        let q = db.selectFrom('partners').select(['id', 'name']).where('id', 'in', ptr);
        if (view.kind === 'tenant') q = q.where('id', 'in', related('tenant_id', view.tenantId));
        if (view.kind === 'partner') q = q.where('id', '=', view.partnerId);
        return q.execute();
      }),
      named(view.kind === 'partner' ? [] : agy, () => {
        let q = db.selectFrom('partner_agencies').select(['id', 'name']).where('id', 'in', agy);
        if (view.kind === 'tenant') q = q.where('tenant_id', '=', view.tenantId);
        return q.execute();
      }),
      named(app, () => {
        let q = db.selectFrom('apps').select(['id', 'name']).where('id', 'in', app);
        if (view.kind === 'tenant') q = q.where('partner_id', 'in', related('tenant_id', view.tenantId));
        if (view.kind === 'partner') q = q.where('partner_id', '=', view.partnerId);
        return q.execute();
      }),
      // an invitation by the address it went to: the tenant's or partner's own, as its members page lists them
      named(inv, () => {
        let q = db.selectFrom('invitations').select(['id', 'email as name']).where('id', 'in', inv);
        if (view.kind === 'tenant') q = q.where('scope_type', '=', 'tenant').where('scope_id', '=', view.tenantId);
        if (view.kind === 'partner') q = q.where('scope_type', '=', 'partner').where('scope_id', '=', view.partnerId);
        return q.execute();
      }),
    ]);
  }

  /**
   * A tenant's records (tickets, vouchers, orders) and a partner's program agreements, by what people
   * call them: in a tenant's view its own, in a partner's those of tenants it has (or had) a link with.
   */
  #recordNames({ tkt, vch, ord, agr }: TargetIds, view: AuditView) {
    const db = this.#db.kysely;
    const related = relatedTo(db);
    return Promise.all([
      named(tkt, () => {
        let q = db.selectFrom('support_tickets').select(['id', 'tenant_id', sql<string>`'Ticket ' || number || ': ' || subject`.as('name')]).where('id', 'in', tkt);
        if (view.kind === 'tenant') q = q.where('tenant_id', '=', view.tenantId);
        if (view.kind === 'partner') q = q.where('tenant_id', 'in', related('partner_id', view.partnerId));
        return q.execute();
      }),
      named(vch, () => {
        let q = db.selectFrom('vouchers').select(['id', 'tenant_id', sql<string>`'Voucher ' || code`.as('name')]).where('id', 'in', vch);
        if (view.kind === 'tenant') q = q.where('tenant_id', '=', view.tenantId);
        if (view.kind === 'partner') q = q.where('tenant_id', 'in', related('partner_id', view.partnerId));
        return q.execute();
      }),
      named(ord, () => {
        let q = db.selectFrom('orders').select(['id', 'tenant_id', sql<string>`'Order of ' || product_name`.as('name')]).where('id', 'in', ord);
        if (view.kind === 'tenant') q = q.where('tenant_id', '=', view.tenantId);
        if (view.kind === 'partner') q = q.where('tenant_id', 'in', related('partner_id', view.partnerId));
        return q.execute();
      }),
      named(agr, () => {
        let q = db.selectFrom('program_agreements').select(['id', sql<string>`title || ' (version ' || version || ')'`.as('name')]).where('id', 'in', agr);
        if (view.kind === 'partner') q = q.where('partner_id', '=', view.partnerId);
        return q.execute();
      }),
    ]);
  }
}

/** The ids a page of events targets, by kind. */
function targetIds(rows: readonly AuditRow[], view: AuditView) {
  const ids = (type: string) => [...new Set(rows.filter((r) => r.target_type === type && r.target_id).map((r) => r.target_id as string))];
  // the tenants targeted, and the tenant each event is about (its tenant_name)
  const tnt = [...new Set([...ids('tenant'), ...rows.map((r) => r.tenant_id).filter((x): x is string => !!x)])];
  // apps and agencies also by who acted: an app's token, an agency's
  const acting = (column: 'actor_client_id' | 'partner_agency_id') => rows.map((r) => r[column]).filter((x): x is string => !!x);
  const ptr = ids('partner');
  const dlg = ids('delegation');
  const inv = ids('invitation');
  const agy = [...new Set([...ids('agency'), ...acting('partner_agency_id')])];
  const app = [...new Set([...ids('app'), ...acting('actor_client_id')])];
  // records of a tenant (tickets, vouchers, orders) and a partner's program agreements: by what people call them
  const tkt = ids('ticket');
  const vch = ids('voucher');
  const ord = ids('order');
  const agr = view.kind === 'tenant' ? [] : ids('agreement');
  return { tnt, ptr, dlg, inv, agy, app, tkt, vch, ord, agr };
}
type TargetIds = ReturnType<typeof targetIds>;

/** One lookup per kind, only when the page names some. */
function named<T>(list: readonly string[], run: () => Promise<T[]>): Promise<T[]> {
  return list.length ? run() : Promise.resolve([]);
}

/** The tenants a partner has (or had) a delegation with, and the partners a tenant has (or had) one with. */
function relatedTo(db: Db['kysely']) {
  return (column: 'tenant_id' | 'partner_id', id: string) => db.selectFrom('delegations').select(column === 'tenant_id' ? 'partner_id' : 'tenant_id').where(column, '=', id);
}

/** An event as the API shows it; `targetNames` (targetNames()) names its target and its tenant when the viewer may know the names. */
export function toAuditEventDto(r: AuditRow, targetNames?: ReadonlyMap<string, string>) {
  return {
    id: r.id,
    seq: Number(r.seq),
    occurred_at: r.occurred_at,
    action: r.action,
    outcome: r.outcome,
    actor: {
      type: r.actor_type,
      user_id: r.actor_user_id,
      partner_id: r.actor_partner_id,
      client_id: r.actor_client_id,
      agency_id: r.partner_agency_id,
      // the app or agency that acted, named when the reader may know it (a person is named by the view)
      name: (r.actor_type === 'app' && r.actor_client_id && targetNames?.get(r.actor_client_id)) || (r.actor_type === 'agency' && r.partner_agency_id && targetNames?.get(r.partner_agency_id)) || null,
    },
    tenant_id: r.tenant_id,
    partner_id: r.partner_id,
    ban: r.ban,
    target: { type: r.target_type, id: r.target_id, name: (r.target_id && targetNames?.get(r.target_id)) || null },
    tenant_name: (r.tenant_id && targetNames?.get(r.tenant_id)) || null,
    request_id: r.request_id,
    ip: r.ip,
    user_agent: r.user_agent,
    details: safeJson(r.details),
    hash: r.hash,
  };
}

function safeJson(s: string): Record<string, unknown> {
  try {
    return JSON.parse(s) as Record<string, unknown>;
  } catch {
    return {};
  }
}
