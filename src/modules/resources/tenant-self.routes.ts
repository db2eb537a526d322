/**
 * Customer self-service: a tenant's own admins and users read the tenant's orders,
 * services, invoices, tickets, usage and SLA — each per the permission their tenant role grants —
 * with the common list features, and each order and ticket naming who placed or opened it (the
 * partner's name and the person's name and e-mail).
 *   GET /api/v1/tenants/:tenant_id/self/{summary,orders,services,invoices,tickets,usage,sla}
 * and acting on one ticket or invoice (tenant-self-records.routes.ts).
 */
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { Id, Nullable, Strict, Type, problems } from '../../platform/http/schemas.ts';
import { ListQueryCommon, PageFields, Period } from '../../platform/http/list-params.ts';
import type { Access } from '../authz/index.ts';
import * as S from './resources.schemas.ts';
import { sortFields, type ListKind } from './resource-lists.ts';
import { PersonDto } from './people.ts';
import { TicketView } from './partner.routes.ts';
import type { ResourcesService } from './resources.service.ts';
import { registerTenantSelfRecords, type TenantSelfRecordsDeps } from './tenant-self-records.routes.ts';

export interface TenantSelfRoutesDeps {
  resources: ResourcesService;
  access: Access;
  /** the provider's name on invoices and its support staff's messages (default Partnergate) */
  providerName?: string;
  /** the brand on a customer's PDF invoices: its partner's, where allowed (modules/branding, wired in api-routers) */
  invoiceBrand?: TenantSelfRecordsDeps['invoiceBrand'];
  readerLocale?: TenantSelfRecordsDeps['readerLocale'];
}

const TAGS = ['customer self-service'];
const Params = Strict({ tenant_id: Id('tnt') });
const sortOf = (kind: ListKind) => Type.Optional(Type.String({ ...ListQueryCommon.sort, description: `comma-separated, \`-\` for descending; fields: ${sortFields(kind).join(', ')}` }));
const common = (kind: ListKind) => ({ ...ListQueryCommon, sort: sortOf(kind), ban_id: Type.Optional(Id('ban', 'only this billing account')) });
const Named = { tenant_name: Type.String() };

const OrderView = Type.Object({ ...S.OrderDto.properties, ...Named, placed_by_person: Type.Optional(Nullable(PersonDto)) }, { title: 'TenantOrder' });
const Specs = {
  orders: { permission: 'orders.read', item: OrderView, query: Strict({ ...common('orders'), status: Type.Optional(Type.Union(['submitted', 'in_progress', 'completed', 'cancelled'].map((s) => Type.Literal(s)))) }), what: 'Orders, newest first, each with who placed it (your people or a partner’s: partner, name, e-mail)' },
  services: { permission: 'services.read', item: Type.Object({ ...S.ServiceDto.properties, ...Named }), query: Strict({ ...common('services'), status: Type.Optional(Type.Union(['pending', 'active', 'suspended', 'terminated'].map((s) => Type.Literal(s)))) }), what: 'Provisioned services' },
  invoices: { permission: 'billing.invoices.read', item: Type.Object({ ...S.InvoiceDto.properties, ...Named, ...S.InvoiceAccount }), query: Strict({ ...common('invoices'), status: Type.Optional(Type.Union(['open', 'paid', 'overdue', 'void'].map((s) => Type.Literal(s)))), period_from: Type.Optional(Period), period_to: Type.Optional(Period) }), what: 'Invoices, newest first' },
  tickets: { permission: 'support.tickets.read', item: TicketView, query: Strict({ ...common('tickets'), status: Type.Optional(S.TicketStatus), priority: Type.Optional(S.TicketPriority), category: Type.Optional(S.TicketCategory) }), what: 'Support tickets, each with who opened it and who it is assigned to' },
  usage: { permission: 'reports.usage.read', item: Type.Object({ ...S.UsageDto.properties, ...Named }), query: Strict({ ...common('usage'), metric: Type.Optional(Type.Union(['data_gb', 'voice_minutes', 'sms_count'].map((s) => Type.Literal(s)))), period_from: Type.Optional(Period), period_to: Type.Optional(Period) }), what: 'Usage per month and metric' },
  subscribers: { permission: 'services.subscribers.read', item: Type.Object({ ...S.SubscriberDto.properties, ...Named }), query: Strict({ ...common('subscribers'), status: Type.Optional(S.SubscriberStatus) }), what: 'Subscribers: your own end customers, by name' },
  sla: { permission: 'reports.sla.read', item: Type.Object({ ...S.SlaDto.properties, ...Named }), query: Strict({ ...common('sla'), status: Type.Optional(Type.Union([Type.Literal('met'), Type.Literal('breached')])), period_from: Type.Optional(Period), period_to: Type.Optional(Period) }), what: 'SLA per month and service: target, achieved, downtime' },
} as const;

const Summary = Type.Object(
  {
    open_orders: Nullable(Type.Integer({ description: 'null: your role does not show orders' })),
    open_tickets: Nullable(Type.Integer()),
    receivables: Nullable(Type.Array(Type.Object({ currency: Type.String(), outstanding_cents: Type.Integer(), overdue_cents: Type.Integer() }))),
    sla_compliance_pct: Nullable(Type.Number()),
    partners: Type.Array(Type.Object({ partner_id: Type.String(), partner_name: Type.String(), role: Type.String(), status: Type.String(), ends_at: Type.String() })),
  },
  { title: 'TenantSelfSummary' },
);

export function tenantSelfRoutes(d: TenantSelfRoutesDeps): AudienceRoutes {
  const { resources, access } = d;
  return {
    tenant(app: App): void {
      for (const kind of Object.keys(Specs) as (keyof typeof Specs)[]) {
        const spec = Specs[kind];
        app.get(
          `/api/v1/tenants/:tenant_id/self/${kind}`,
          {
            schema: {
              tags: TAGS,
              summary: `${spec.what} (your own tenant; ${spec.permission})`,
              params: Params,
              querystring: spec.query,
              response: { 200: Type.Object({ data: Type.Array(spec.item), ...PageFields }), ...problems(400, 401, 403, 404) },
            },
          },
          async (req) => {
            const tenantId = (req.params as { tenant_id: string }).tenant_id;
            access.tenant(req, tenantId, spec.permission);
            const q = req.query as Record<string, string | number | undefined> & { ban_id?: string };
            const eq: Record<string, string | undefined> = { ban_id: q.ban_id, status: q.status as string | undefined, priority: q.priority as string | undefined, category: q.category as string | undefined, metric: q.metric as string | undefined };
            return resources.list(kind, [{ tenantId, bans: null }], { ...(q as object), eq });
          },
        );
      }

      app.get(
        '/api/v1/tenants/:tenant_id/self/summary',
        { schema: { tags: TAGS, summary: 'Your tenant at a glance: open orders and tickets, receivables, SLA compliance, partners acting for you', params: Params, response: { 200: Summary, ...problems(400, 401, 403, 404) } } },
        async (req) => {
          const a = access.tenantMember(req, req.params.tenant_id);
          const role = a.membership?.role ?? null;
          const can = (p: string) => role === null || access.can(role, p);
          return resources.tenantSummary(req.params.tenant_id, { orders: can('orders.read'), tickets: can('support.tickets.read'), billing: can('billing.invoices.read'), sla: can('reports.sla.read') });
        },
      );

      registerTenantSelfRecords(app, { resources, access, providerName: d.providerName ?? 'Partnergate', invoiceBrand: d.invoiceBrand, readerLocale: d.readerLocale });
    },
  };
}
