/**
 * The portal's "Security events" of a partner app (/api/v1/partners/:partner_id/apps/:app_id/
 * security-events): where its receiver listens, which events it gets, a test event, and the last
 * deliveries in words. The same stream the app manages itself at /ssf/streams; here a partner
 * owner manages it with the apps permission (staff read it).
 */
import type { AudienceRoutes } from '../../platform/http/app-types.ts';
import { problems, Type } from '../../platform/http/schemas.ts';
import type { Access } from '../authz/index.ts';
import { CAEP_EVENTS, EVENT_WORDS } from './caep.ts';
import { SSF_PATHS } from './ssf.routes.ts';
import * as S from './ssf.schemas.ts';
import { deliveredEvents, type DeliveryRow, type SsfService, type StreamRow } from './ssf.service.ts';

export interface SecurityEventsRouteDeps {
  ssf: SsfService;
  access: Access;
  /** the app must be the partner's (throws the apps module's not-found otherwise) */
  requireApp: (partnerId: string, appId: string) => Promise<{ name: string }>;
  tenantNames: (ids: string[]) => Promise<Map<string, string>>;
  userNames: (ids: string[]) => Promise<Map<string, string>>;
}

type Subject = { format?: string; tenant?: { id?: string }; sub?: string; id?: string };

function outcome(d: DeliveryRow): string {
  const tries = (n: number) => `${n} ${n === 1 ? 'attempt' : 'attempts'}`;
  switch (d.status) {
    case 'delivered':
      return `Delivered: your receiver answered ${d.last_status_code ?? 'with success'} after ${tries(d.attempts)}.`;
    case 'rejected':
      return `Refused by your receiver: ${d.last_error ?? 'it answered 400'}. It is not sent again.`;
    case 'failed':
      return `Not delivered after ${tries(d.attempts)} (last: ${d.last_error ?? 'no answer'}). No more retries.`;
    default:
      return d.attempts === 0 ? 'Waiting to be sent.' : `Not delivered yet (last: ${d.last_error ?? 'no answer'}); tried ${tries(d.attempts)}, trying again at ${d.next_attempt_at.slice(0, 16).replace('T', ' ')} UTC.`;
  }
}

export function securityEventRoutes(d: SecurityEventsRouteDeps): AudienceRoutes {
  const { ssf, access } = d;

  const view = async (appName: string, stream: StreamRow | undefined) => {
    const deliveries = stream ? await ssf.listDeliveries(stream.id, 20) : [];
    const subjects = deliveries.map((x) => JSON.parse(x.subject) as Subject);
    const tenants = await d.tenantNames([...new Set(subjects.flatMap((s) => (s.tenant?.id ? [s.tenant.id] : [])))]);
    const users = await d.userNames([...new Set(subjects.flatMap((s) => (s.format === 'iss_sub' && s.sub ? [s.sub] : [])))]);
    const words = (s: Subject): string => {
      if (s.tenant?.id) return `Customer ${tenants.get(s.tenant.id) ?? '(no longer visible)'}`;
      if (s.format === 'iss_sub' && s.sub) return `Person ${users.get(s.sub) ?? '(no longer visible)'}`;
      if (s.id?.startsWith('sst_')) return 'This stream';
      return `The app ${appName}`;
    };
    return {
      stream: stream
        ? { endpoint_url: stream.endpoint_url, has_authorization_header: stream.authorization_header_sealed !== null, events: deliveredEvents(stream), status: stream.status, status_reason: stream.status_reason, updated_at: stream.updated_at }
        : null,
      events_supported: CAEP_EVENTS.map((type) => ({ type, label: EVENT_WORDS[type]! })),
      deliveries: deliveries.map((x, i) => ({ id: x.id, event: EVENT_WORDS[x.event_type] ?? x.event_type, subject: words(subjects[i]!), status: x.status, outcome: outcome(x), attempts: x.attempts, created_at: x.created_at, completed_at: x.completed_at })),
      configuration_url: ssf.issuer.replace(/\/+$/, '') + SSF_PATHS.metadata,
    };
  };

  return {
    partner(app) {
      const path = '/api/v1/partners/:partner_id/apps/:app_id/security-events';
      app.get(path, { schema: { tags: ['apps'], summary: "An app's security events: its receiver, the events it gets, the last deliveries", params: S.AppParams, response: { 200: S.SecurityEventsDto, ...problems(400, 401, 403, 404) } } }, async (req) => {
        const { partner_id, app_id } = req.params;
        access.partner(req, partner_id, 'partner.apps.read', { allowInactivePartner: true });
        const a = await d.requireApp(partner_id, app_id);
        return view(a.name, await ssf.findStream(app_id));
      });

      app.put(
        path,
        { schema: { tags: ['apps'], summary: "Set where an app's security events go and which (partner owner)", params: S.AppParams, body: S.SaveSecurityEventsBody, response: { 200: S.SecurityEventsDto, ...problems(400, 401, 403, 404) } } },
        async (req) => {
          const { partner_id, app_id } = req.params;
          access.partner(req, partner_id, 'partner.apps.manage');
          const a = await d.requireApp(partner_id, app_id);
          const ref = { appId: app_id, partnerId: partner_id };
          const b = req.body;
          const existing = await ssf.findStream(app_id);
          if (!existing) await ssf.createStream(req.ctx(), ref, { endpoint_url: b.endpoint_url, authorization_header: b.authorization_header ?? null, events_requested: b.events, description: null });
          else await ssf.updateStream(req.ctx(), ref, { endpoint_url: b.endpoint_url, events_requested: b.events, ...(b.authorization_header !== undefined ? { authorization_header: b.authorization_header } : {}) });
          const wanted = b.enabled === false ? 'paused' : 'enabled';
          const now = await ssf.findStream(app_id);
          if (now && now.status !== wanted) await ssf.setStatus(req.ctx(), ref, wanted, wanted === 'paused' ? 'paused in the portal' : null);
          return view(a.name, await ssf.findStream(app_id));
        },
      );

      app.delete(path, { schema: { tags: ['apps'], summary: "Stop sending an app's security events (removes its stream)", params: S.AppParams, response: { 204: Type.Null(), ...problems(400, 401, 403, 404) } } }, async (req, reply) => {
        const { partner_id, app_id } = req.params;
        access.partner(req, partner_id, 'partner.apps.manage');
        await d.requireApp(partner_id, app_id);
        await ssf.deleteStream(req.ctx(), { appId: app_id, partnerId: partner_id });
        return reply.code(204).send(null);
      });

      app.post(
        `${path}/test`,
        { schema: { tags: ['apps'], summary: 'Send a test event (SSF verification) to the app’s receiver now', params: S.AppParams, response: { 200: S.SecurityEventsDto, ...problems(400, 401, 403, 404, 409) } } },
        async (req) => {
          const { partner_id, app_id } = req.params;
          access.partner(req, partner_id, 'partner.apps.manage');
          const a = await d.requireApp(partner_id, app_id);
          await ssf.verify(req.ctx(), { appId: app_id, partnerId: partner_id }, null);
          // the push happens right after the commit; answer once it has been tried
          await ssf.worker.tick();
          return view(a.name, await ssf.findStream(app_id));
        },
      );
    },
  };
}
