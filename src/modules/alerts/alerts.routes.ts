/**
 * The HTTP edge of link commitments and the alerts inbox:
 *   partner side: GET|PUT /api/v1/partner/customers/:tenant_id/commitments ·
 *                 GET /api/v1/partner/alerts · POST /api/v1/partner/alerts/:alert_id/{acknowledge,resolve}
 *   tenant side:  GET /api/v1/tenants/:tenant_id/commitments ·
 *                 PUT /api/v1/tenants/:tenant_id/delegations/:delegation_id/commitments ·
 *                 GET /api/v1/tenants/:tenant_id/alerts
 */
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { admittedPerson } from '../../platform/http/admission.ts';
import { Id, Nullable, Strict, Type, problems } from '../../platform/http/schemas.ts';
import { ListQueryCommon, PageFields } from '../../platform/http/list-params.ts';
import type { Access, AuthzService } from '../authz/index.ts';
import { alertErrors as E } from './alerts.errors.ts';
import { ALERT_SORT, type AlertsService, type Who } from './alerts.service.ts';
import { CommitmentsBody, CommitmentsDto, PersonT } from './commitments.ts';
import { FIGURES_HIDDEN } from './alert-notices.ts';
import { alertWords, figuresHidden } from '../notifications/index.ts';
import { negotiateLocale } from '../../platform/i18n/locales.ts';

export interface AlertRoutesDeps {
  alerts: AlertsService;
  authz: Pick<AuthzService, 'memberAccess' | 'memberRoleGrants' | 'refusalError'>;
  access: Access;
}

const TAGS = ['alerts and commitments'];

const AlertDto = Type.Object(
  {
    id: Type.String(),
    kind: Type.String({ description: 'sla_breach | receivables_threshold | invoice_overdue' }),
    severity: Type.String({ description: 'warning | critical' }),
    status: Type.String({ description: 'open | acknowledged | resolved' }),
    tenant_id: Type.String(),
    tenant_name: Type.String(),
    delegation_id: Type.String(),
    subject_id: Nullable(Type.String({ description: 'the SLA record or invoice' })),
    period: Nullable(Type.String()),
    message: Type.String(),
    amount_cents: Nullable(Type.Integer()),
    currency: Nullable(Type.String()),
    opened_at: Type.String(),
    last_seen_at: Type.String(),
    acknowledged_at: Nullable(Type.String()),
    acknowledged_by: Nullable(PersonT),
    resolved_at: Nullable(Type.String()),
    resolved_by: Nullable(PersonT),
    resolution: Nullable(Type.String({ description: 'auto (the condition cleared) | manual' })),
  },
  { title: 'PartnerAlert' },
);
const AlertPage = Type.Object({ data: Type.Array(AlertDto), ...PageFields, counts: Type.Object({ open: Type.Integer(), acknowledged: Type.Integer() }) });
const Kind = Type.Union([Type.Literal('sla_breach'), Type.Literal('receivables_threshold'), Type.Literal('invoice_overdue')]);
const StatusList = Type.String({ pattern: '^(open|acknowledged|resolved)(,(open|acknowledged|resolved))*$', description: 'comma-separated; default open,acknowledged' });
const sortDesc = { ...ListQueryCommon.sort, description: `comma-separated, \`-\` for descending; fields: ${Object.keys(ALERT_SORT).join(', ')}` };
const InboxQuery = Strict({ ...ListQueryCommon, sort: Type.Optional(Type.String(sortDesc)), status: Type.Optional(StatusList), kind: Type.Optional(Kind), tenant_id: Type.Optional(Id('tnt', 'only this customer')) });
const TenantAlertQuery = Strict({ ...ListQueryCommon, sort: Type.Optional(Type.String(sortDesc)), status: Type.Optional(StatusList), kind: Type.Optional(Kind) });
const CustomerParams = Strict({ tenant_id: Id('tnt') });
/** the commitments, and whether the caller may change them (so a portal offers the form only to them) */
const CommitmentsView = Type.Object({ ...CommitmentsDto.properties, can_edit: Type.Boolean({ description: 'whether you may change them' }) }, { title: 'LinkCommitmentsView' });
const AlertParams = Strict({ alert_id: Id('alr') });
const NoteBody = Strict({ note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })) });
const TenantParams = Strict({ tenant_id: Id('tnt') });
const TenantLinkParams = Strict({ tenant_id: Id('tnt'), delegation_id: Id('dlg') });

/**
 * An alert's sentence in the reader's language (the portal sends its language as Accept-Language), from the
 * figures stored with it; an alert stored before they were kept keeps its English sentence.
 */
function inReaderLanguage<T extends { kind: string; severity: string; message: string; tenant_name: string; facts?: string | null }>(req: { headers: { 'accept-language'?: string } }, a: T): T {
  const locale = negotiateLocale({ acceptLanguage: req.headers['accept-language'] });
  if (a.message === FIGURES_HIDDEN) return { ...a, message: figuresHidden(locale) };
  return { ...a, message: alertWords(locale, { ...a, facts: a.facts ?? null }, a.tenant_name).detail };
}

function pageInReaderLanguage<P extends { data: Parameters<typeof inReaderLanguage>[1][] }>(req: { headers: { 'accept-language'?: string } }, p: P): P {
  return { ...p, data: p.data.map((a) => inReaderLanguage(req, a)) };
}

/** The link a member reaches a customer through (refusals as decide() words them). */
function linkOf(authz: AlertRoutesDeps['authz'], who: Who & { mfa?: boolean }, tenantId: string): string {
  const a = authz.memberAccess(who.userId, who.partnerId, tenantId, null, undefined, who.mfa === true);
  if (!a.allow) throw authz.refusalError(a);
  if (!a.delegationId) throw E.link_not_found();
  return a.delegationId;
}

export function alertRoutes(d: AlertRoutesDeps): AudienceRoutes {
  const { alerts, access } = d;

  return {
    partnerSelf(app: App): void {
      registerPartnerCommitmentRoutes(app, d);
      registerInboxRoutes(app, d);
    },

    tenant(app: App): void {
      app.get(
        '/api/v1/tenants/:tenant_id/commitments',
        { schema: { tags: TAGS, summary: 'What each partner linked to you has committed to: SLA, alerts and billing threshold', params: TenantParams, response: { 200: Type.Object({ data: Type.Array(CommitmentsView) }), ...problems(400, 401, 403, 404) } } },
        async (req) => {
          const a = access.tenant(req, req.params.tenant_id, 'tenant.delegations.read');
          const canEdit = access.can(a.principal.platformRole, 'tenant.delegations.manage') || access.can(a.membership?.role, 'tenant.delegations.manage');
          const { data } = await alerts.tenantCommitments(req.params.tenant_id);
          return { data: data.map((c) => ({ ...c, can_edit: canEdit })) };
        },
      );

      app.put(
        '/api/v1/tenants/:tenant_id/delegations/:delegation_id/commitments',
        {
          schema: {
            tags: TAGS,
            summary: "Change the commitments of a partner's link with you (tenant admin)",
            params: TenantLinkParams,
            body: CommitmentsBody,
            response: { 200: CommitmentsDto, ...problems(400, 401, 403, 404) },
          },
        },
        async (req) => {
          const a = access.tenant(req, req.params.tenant_id, 'tenant.delegations.manage');
          const c = await alerts.commitments(req.params.delegation_id).catch(() => null);
          if (!c || c.tenant_id !== req.params.tenant_id) throw E.link_not_found();
          return alerts.setCommitments(req.ctx(), req.params.delegation_id, req.body, { userId: a.principal.userId, side: 'tenant' });
        },
      );

      app.get(
        '/api/v1/tenants/:tenant_id/alerts',
        { schema: { tags: TAGS, summary: 'Alerts your partners see about you (read-only)', params: TenantParams, querystring: TenantAlertQuery, response: { 200: AlertPage, ...problems(400, 401, 403, 404) } } },
        async (req) => {
          access.tenant(req, req.params.tenant_id, 'tenant.delegations.read');
          return pageInReaderLanguage(req, await alerts.tenantAlerts(req.params.tenant_id, req.query));
        },
      );
    },
  };
}

/** The commitments of a partner's link with a customer: read them, change them. */
function registerPartnerCommitmentRoutes(app: App, { alerts, authz }: AlertRoutesDeps): void {
  app.get(
    '/api/v1/partner/customers/:tenant_id/commitments',
    { config: { admission: { permission: null, rateClass: 'read', tenant: { from: 'params', field: 'tenant_id' } } }, schema: { tags: TAGS, summary: 'The SLA commitments, alert settings and billing threshold of your link with a customer', params: CustomerParams, response: { 200: CommitmentsView, ...problems(400, 401, 403, 404, 429) } } },
    async (req) => {
      const who = admittedPerson(req);
      return { ...(await alerts.commitments(linkOf(authz, who, req.params.tenant_id))), can_edit: authz.memberRoleGrants(who.userId, 'links.commitments.manage') };
    },
  );

  app.put(
    '/api/v1/partner/customers/:tenant_id/commitments',
    {
      config: { admission: { permission: null, memberPermission: 'links.commitments.manage', rateClass: 'write', tenant: { from: 'params', field: 'tenant_id' } } },
      schema: {
        tags: TAGS,
        summary: 'Change the commitments of your link with a customer (member role with links.commitments.manage: full access)',
        description: 'Each section given (sla, alerts, billing_threshold) replaces that section. Audited as link.commitments_changed; the customer sees it.',
        params: CustomerParams,
        body: CommitmentsBody,
        response: { 200: CommitmentsDto, ...problems(400, 401, 403, 404, 429) },
      },
    },
    async (req) => {
      const who = admittedPerson(req);
      const dlg = linkOf(authz, who, req.params.tenant_id);
      return alerts.setCommitments(req.ctx(), dlg, req.body, { userId: who.userId, side: 'partner' });
    },
  );
}

/** The alerts inbox across the customers, and acknowledging or resolving an alert. */
function registerInboxRoutes(app: App, { alerts }: AlertRoutesDeps): void {
  app.get(
    '/api/v1/partner/alerts',
    {
      config: { admission: { permission: null, rateClass: 'read' } },
      schema: {
        tags: TAGS,
        summary: 'The alerts inbox: SLA breaches, receivables over threshold and overdue invoices across your customers',
        description: 'Alerts you may see (the link ∩ your member role). Default: open and acknowledged. `counts` are the unresolved totals.',
        querystring: InboxQuery,
        response: { 200: AlertPage, ...problems(400, 401, 403, 429) },
      },
    },
    async (req) => pageInReaderLanguage(req, await alerts.inbox(admittedPerson(req), req.query)),
  );

  for (const verb of ['acknowledge', 'resolve'] as const) {
    app.post(
      `/api/v1/partner/alerts/:alert_id/${verb}`,
      {
        config: { admission: { permission: null, memberPermission: 'alerts.manage', rateClass: 'write' } },
        schema: {
          tags: TAGS,
          summary: verb === 'acknowledge' ? 'Acknowledge an alert (someone is on it)' : 'Resolve an alert by hand (it also resolves itself when the condition clears)',
          params: AlertParams,
          body: NoteBody,
          response: { 200: AlertDto, ...problems(400, 401, 403, 404, 409, 429) },
        },
      },
      async (req) => inReaderLanguage(req, await alerts.act(req.ctx(), admittedPerson(req), req.params.alert_id, verb, req.body?.note)),
    );
  }
}
