/**
 * The partner's home, by kind: a delegated partner's customers connected to its apps and their
 * use of them, a wholesaler's own billing and its customers' subscriptions and identity checks.
 * (A referral partner's funnel and next payout are the program summary's: one computation for the
 * program pages and the home.) It owns no table: every figure comes from the module that owns the
 * data, through its service, and only for the partner asked about. A figure the reader's role may
 * not see is absent (null), never a zero.
 */
import type { Static } from 'typebox';
import type { Clock } from '../../platform/clock.ts';
import type { AuditLog } from '../audit/index.ts';
import type { AppsService } from '../apps/index.ts';
import type { DelegationsService } from '../delegations/index.ts';
import type { PartnersService } from '../partners/index.ts';
import type { PlansService } from '../plans/index.ts';
import type { ResourcesService } from '../resources/index.ts';
import type { TenantsService } from '../tenants/index.ts';
import type { PartnerHomeDto } from './partner-home.schemas.ts';
import { parseList } from './overview.service.ts';

export type PartnerHome = Static<typeof PartnerHomeDto>;

export interface PartnerHomeDeps {
  clock: Clock;
  partners: Pick<PartnersService, 'requirePartner'>;
  delegations: Pick<DelegationsService, 'list'>;
  apps: Pick<AppsService, 'list'>;
  tenants: Pick<TenantsService, 'listBillingAccounts'>;
  audit: Pick<AuditLog, 'gatewayRequestsByDay'>;
  plans: Pick<PlansService, 'listCustomers' | 'listKycCases'>;
  resources: Pick<ResourcesService, 'listInvoices' | 'receivables'>;
}

/** What the reader may see: the customers (org role) and money (member role's billing). */
export interface HomeReader {
  customers: boolean;
  billing: boolean;
}

export const USAGE_DAYS = 30;
const DAY_MS = 86_400_000;
const CUSTOMERS_SHOWN = 200;
const INVOICES_SHOWN = 6;
const STATUS_ORDER: Record<string, number> = { active: 0, requested: 1, expired: 2, revoked: 3, rejected: 4 };

export class PartnerHomeService {
  readonly #d: PartnerHomeDeps;
  constructor(d: PartnerHomeDeps) {
    this.#d = d;
  }

  async home(partnerId: string, reader: HomeReader): Promise<PartnerHome> {
    const p = await this.#d.partners.requirePartner(partnerId);
    const caps = parseList(p.capabilities);
    const [delegated, wholesale] = await Promise.all([
      caps.includes('delegated') && reader.customers ? this.#delegated(partnerId) : null,
      caps.includes('wholesale') && reader.customers ? this.#wholesale(partnerId, p.home_tenant_id, reader.billing) : null,
    ]);
    return { generated_at: this.#d.clock.now().toISOString(), partner: { name: p.name, capabilities: caps }, delegated, wholesale };
  }

  async #delegated(partnerId: string): Promise<NonNullable<PartnerHome['delegated']>> {
    const d = this.#d;
    const now = d.clock.now();
    const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (USAGE_DAYS - 1) * DAY_MS);
    const [consents, apps, used] = await Promise.all([
      d.delegations.list({ partnerId, origin: 'consent', limit: CUSTOMERS_SHOWN }),
      d.apps.list(partnerId),
      d.audit.gatewayRequestsByDay(partnerId, first.toISOString()),
    ]);
    const appName = new Map(apps.map((a) => [a.id, a.name])); // an app's id is its OAuth client id
    // one account list per customer, however many apps it connected
    const accounts = new Map<string, Map<string, string>>();
    for (const t of new Set(consents.map((c) => c.tenant_id))) accounts.set(t, new Map((await d.tenants.listBillingAccounts(t)).map((b) => [b.id, b.account_number])));
    const customers = consents
      .map((c) => {
        const ids = c.ban_ids ? (JSON.parse(c.ban_ids) as string[]) : null;
        const numbers = accounts.get(c.tenant_id);
        return {
          tenant_name: c.tenant_name,
          app_name: (c.client_id && appName.get(c.client_id)) || 'An app no longer registered',
          status: c.status,
          billing_accounts: ids ? ids.map((id) => numbers?.get(id)).filter((n): n is string => n !== undefined) : null,
          ends_at: c.ends_at,
          last_used_at: c.last_used_at ?? null,
        };
      })
      .sort((a, b) => (STATUS_ORDER[a.status] ?? 9) - (STATUS_ORDER[b.status] ?? 9) || a.tenant_name.localeCompare(b.tenant_name));

    const tenantName = new Map(consents.map((c) => [c.tenant_id, c.tenant_name]));
    const perDay = new Map<string, number>();
    const perApp = new Map<string, number>();
    const perCustomer = new Map<string, number>();
    let total = 0;
    for (const u of used) {
      // requests of the partner's apps for its customers (its people's own requests are not an app's use)
      if (u.client_id === null || !appName.has(u.client_id)) continue;
      total += u.requests;
      perDay.set(u.day, (perDay.get(u.day) ?? 0) + u.requests);
      const app = appName.get(u.client_id)!;
      perApp.set(app, (perApp.get(app) ?? 0) + u.requests);
      const who = (u.tenant_id && tenantName.get(u.tenant_id)) || 'A customer no longer connected';
      perCustomer.set(who, (perCustomer.get(who) ?? 0) + u.requests);
    }
    const days = Array.from({ length: USAGE_DAYS }, (_, i) => {
      const day = new Date(first.getTime() + i * DAY_MS).toISOString().slice(0, 10);
      return { day, requests: perDay.get(day) ?? 0 };
    });
    const ranked = (m: Map<string, number>) => [...m.entries()].map(([name, requests]) => ({ name, requests })).sort((a, b) => b.requests - a.requests || a.name.localeCompare(b.name));
    return { customers, usage: { days, by_app: ranked(perApp), by_customer: ranked(perCustomer), total } };
  }

  async #wholesale(partnerId: string, homeTenantId: string | null, billing: boolean): Promise<NonNullable<PartnerHome['wholesale']>> {
    const d = this.#d;
    const [customers, kyc] = await Promise.all([d.plans.listCustomers(partnerId), d.plans.listKycCases(partnerId, 'submitted')]);
    const subscriptions = { none: 0, signing: 0, signed: 0, active: 0, suspended: 0 };
    for (const c of customers) {
      const s = c.subscription?.status;
      if (s === 'signing' || s === 'signed' || s === 'active' || s === 'suspended') subscriptions[s]++;
      else subscriptions.none++;
    }
    return {
      billing: billing && homeTenantId ? await this.#billing(homeTenantId) : null,
      customers: {
        total: customers.length,
        subscriptions,
        kyc_waiting: kyc.map((k) => ({ tenant_name: k.tenant_name, submitted_at: k.submitted_at })).sort((a, b) => a.submitted_at.localeCompare(b.submitted_at)),
        suspended: customers.filter((c) => c.subscription?.status === 'suspended').map((c) => ({ tenant_name: c.tenant.name, plan_name: c.plan_name })),
      },
    };
  }

  /** The wholesaler's own account(s), on its home tenant: what it is billed. */
  async #billing(homeTenantId: string): Promise<NonNullable<NonNullable<PartnerHome['wholesale']>['billing']>> {
    const d = this.#d;
    const scope = [{ tenantId: homeTenantId, bans: null }];
    const [accounts, invoices, owed] = await Promise.all([d.tenants.listBillingAccounts(homeTenantId), d.resources.listInvoices(scope, { limit: INVOICES_SHOWN }), d.resources.receivables(scope)]);
    return {
      accounts: accounts.filter((a) => a.status === 'active').map((a) => ({ number: a.account_number, name: a.name, currency: a.currency })),
      invoices: invoices.data.map((i) => ({ number: i.number, period: i.period, due_at: i.due_at, total_cents: i.total_cents, balance_cents: i.balance_cents, currency: i.currency, status: i.status })),
      outstanding: owed.map((o) => ({ currency: o.currency, outstanding_cents: o.outstanding_cents, overdue_cents: o.overdue_cents })),
    };
  }
}
