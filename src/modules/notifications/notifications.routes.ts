/**
 * Events out over HTTP: the event catalog; webhook endpoints of a tenant, a partner and the
 * platform with their delivery log, redelivery and test ping; the caller's notifications, counts
 * and preferences; the operator's mail outbox.
 */
import type { FastifyRequest } from 'fastify';
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { Type, problems, page } from '../../platform/http/schemas.ts';
import { pageOf } from '../../platform/http/pagination.ts';
import type { Access } from '../authz/index.ts';
import { EVENT_TYPES } from './events.catalog.ts';
import { outboxMessage } from './mail-outbox.ts';
import type { DeliveryRow, EndpointRow, NotificationsService, Owner } from './notifications.service.ts';
import * as S from './notifications.schemas.ts';

const TAGS = ['webhooks'];

export function toEndpointDto(e: EndpointRow) {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    event_types: JSON.parse(e.event_types) as string[],
    status: e.status,
    consecutive_failures: e.consecutive_failures,
    disabled_at: e.disabled_at,
    disabled_reason: e.disabled_reason,
    created_at: e.created_at,
    updated_at: e.updated_at,
  };
}

export function toDeliveryDto(d: DeliveryRow) {
  return {
    id: d.id,
    message_id: d.message_id,
    event_type: d.event_type,
    kind: d.kind,
    status: d.status,
    attempts: d.attempts,
    last_status_code: d.last_status_code,
    last_latency_ms: d.last_latency_ms,
    last_error: d.last_error,
    next_attempt_at: d.status === 'pending' ? d.next_attempt_at : null,
    created_at: d.created_at,
    completed_at: d.completed_at,
  };
}

function toDetailDto(r: { delivery: DeliveryRow; attempts: { attempt: number; at: string; outcome: 'succeeded' | 'failed'; status_code: number | null; latency_ms: number; error: string | null }[] }) {
  return { delivery: toDeliveryDto(r.delivery), payload: r.delivery.payload, attempts: r.attempts.map((a) => ({ attempt: a.attempt, at: a.at, outcome: a.outcome, status_code: a.status_code, latency_ms: a.latency_ms, error: a.error })) };
}

type Scope = 'tenant' | 'partner' | 'platform';

/** The same endpoint routes for each owner: `base` is the collection URL, `owner` checks access and names the owner. */
function webhookRoutes(app: App, svc: NotificationsService, scope: Scope, base: string, owner: (req: FastifyRequest) => Owner, operator: boolean) {
  const config: Record<string, string> = operator ? { operator: 'platform.webhooks.manage' } : {};
  // the params schema differs per owner, so its type is read here (validation has run)
  const ep = (req: FastifyRequest) => (req.params as { endpoint_id: string }).endpoint_id;
  const dl = (req: FastifyRequest) => (req.params as { delivery_id: string }).delivery_id;
  const who = scope === 'platform' ? 'the platform' : scope === 'tenant' ? 'a tenant' : 'a partner';
  const p4 = problems(400, 401, 403, 404);
  const scopeParams = scope === 'platform' ? undefined : S.ScopeParams(scope);

  app.get(base, { config, schema: { tags: TAGS, summary: `Webhook endpoints of ${who}`, ...(scopeParams ? { params: scopeParams } : {}), response: { 200: Type.Object({ data: Type.Array(S.WebhookEndpointDto) }), ...p4 } } }, async (req) => {
    const o = owner(req);
    return { data: (await svc.listEndpoints(o)).map(toEndpointDto) };
  });

  app.post(
    base,
    { config, schema: { tags: TAGS, summary: `Register a webhook endpoint of ${who}; the signing secret is in this answer only`, ...(scopeParams ? { params: scopeParams } : {}), body: S.CreateWebhookEndpointBody, response: { 201: S.CreatedWebhookEndpointDto, ...p4 } } },
    async (req, reply) => {
      const o = owner(req);
      const r = await svc.createEndpoint(req.ctx(), o, req.body);
      reply.code(201);
      return { endpoint: toEndpointDto(r.endpoint), secret: r.secret };
    },
  );

  const one = `${base}/:endpoint_id`;
  app.get(one, { config, schema: { tags: TAGS, summary: 'One webhook endpoint', params: S.EndpointParams(scope), response: { 200: S.WebhookEndpointDto, ...p4 } } }, async (req) => {
    return toEndpointDto(await svc.getEndpoint(owner(req), ep(req)));
  });

  app.patch(
    one,
    { config, schema: { tags: TAGS, summary: 'Change a webhook endpoint, or turn it off or back on', params: S.EndpointParams(scope), body: S.UpdateWebhookEndpointBody, response: { 200: S.WebhookEndpointDto, ...p4 } } },
    async (req) => toEndpointDto(await svc.updateEndpoint(req.ctx(), owner(req), ep(req), req.body)),
  );

  app.delete(one, { config, schema: { tags: TAGS, summary: 'Remove a webhook endpoint and its delivery log', params: S.EndpointParams(scope), response: { 204: Type.Null(), ...p4 } } }, async (req, reply) => {
    await svc.deleteEndpoint(req.ctx(), owner(req), ep(req));
    reply.code(204);
    return null;
  });

  app.get(
    `${one}/deliveries`,
    { config, schema: { tags: TAGS, summary: 'The delivery log of an endpoint, newest first', params: S.EndpointParams(scope), querystring: S.DeliveriesQuery, response: { 200: page(S.WebhookDeliveryDto), ...p4 } } },
    async (req) => {
      const limit = req.query.limit ?? 50;
      return pageOf(await svc.listDeliveries(owner(req), ep(req), limit, req.query.cursor), limit, toDeliveryDto);
    },
  );

  app.get(
    `${one}/deliveries/:delivery_id`,
    { config, schema: { tags: TAGS, summary: 'One delivery with its body and every attempt', params: S.DeliveryParams(scope), response: { 200: S.WebhookDeliveryDetailDto, ...p4 } } },
    async (req) => toDetailDto(await svc.getDelivery(owner(req), ep(req), dl(req))),
  );

  app.post(
    `${one}/deliveries/:delivery_id/redeliver`,
    { config, schema: { tags: TAGS, summary: 'Send a delivery again now (same webhook-id); answers with the new attempt', params: S.DeliveryParams(scope), response: { 200: S.WebhookDeliveryDetailDto, ...problems(400, 401, 403, 404, 409) } } },
    async (req) => toDetailDto(await svc.redeliver(req.ctx(), owner(req), ep(req), dl(req))),
  );

  app.post(
    `${one}/ping`,
    { config, schema: { tags: TAGS, summary: 'Send a signed test message (type webhook.test) now; answers with its result', params: S.EndpointParams(scope), response: { 200: S.WebhookDeliveryDetailDto, ...problems(400, 401, 403, 404, 409) } } },
    async (req) => toDetailDto(await svc.ping(req.ctx(), owner(req), ep(req))),
  );
}

export function notificationRoutes(d: { notifications: NotificationsService; access: Access }): AudienceRoutes {
  const { notifications: svc, access } = d;
  return {
    me(app: App): void {
      app.get(
        '/api/v1/event-types',
        { schema: { tags: TAGS, summary: 'The catalog of domain events a webhook can subscribe to, with their payload schemas', response: { 200: Type.Object({ data: Type.Array(S.EventTypeDto) }), ...problems(401) } } },
        async (req) => {
          access.user(req);
          return { data: EVENT_TYPES.map((t) => ({ type: t.type, version: t.version, label: t.label, description: t.description, payload_schema: JSON.parse(JSON.stringify(t.schema)) as unknown })) };
        },
      );

      app.get(
        '/api/v1/me/notifications',
        { schema: { tags: ['notifications'], summary: 'Your notifications, newest first', querystring: S.ListNotificationsQuery, response: { 200: page(S.NotificationDto), ...problems(400, 401) } } },
        async (req) => {
          const p = access.user(req);
          const limit = req.query.limit ?? 50;
          const rows = await svc.listNotifications(p.userId, { unread: req.query.unread, limit, cursor: req.query.cursor });
          return pageOf(rows, limit, (n) => ({ id: n.id, type: n.type, title: n.title, body: n.body, link: n.link, created_at: n.created_at, read_at: n.read_at }));
        },
      );

      app.get(
        '/api/v1/me/notifications/counts',
        { schema: { tags: ['notifications'], summary: 'Unread notifications and what waits for your action (the bell and the badges)', response: { 200: S.NotificationCountsDto, ...problems(401) } } },
        async (req) => svc.counts(access.user(req).userId),
      );

      app.post(
        '/api/v1/me/notifications/read',
        { schema: { tags: ['notifications'], summary: 'Mark notifications read (some by id, or all)', body: S.MarkReadBody, response: { 200: Type.Object({ marked: Type.Integer() }), ...problems(400, 401, 404) } } },
        async (req) => {
          const p = access.user(req);
          const ids = req.body.all ? 'all' : (req.body.ids ?? []);
          return { marked: await svc.markRead(req.ctx(), p.userId, ids) };
        },
      );

      app.get(
        '/api/v1/me/notification-preferences',
        { schema: { tags: ['notifications'], summary: 'Which events you are told about, and how (in the portal, by e-mail)', response: { 200: S.NotificationPreferencesDto, ...problems(401) } } },
        async (req) => ({ events: await svc.preferences(access.user(req).userId) }),
      );

      app.put(
        '/api/v1/me/notification-preferences',
        { schema: { tags: ['notifications'], summary: 'Change which events you are told about, and how', body: S.SaveNotificationPreferencesBody, response: { 200: S.NotificationPreferencesDto, ...problems(400, 401) } } },
        async (req) => {
          const p = access.user(req);
          return { events: await svc.savePreferences(req.ctx(), p.userId, req.body.events) };
        },
      );
    },

    operator(app: App): void {
      webhookRoutes(app, svc, 'platform', '/api/v1/webhooks', (req) => {
        access.operator(req, 'platform.webhooks.manage');
        return { type: 'platform', id: '' };
      }, true);

      app.get(
        '/api/v1/mail-outbox',
        { config: { operator: 'platform.webhooks.manage' }, schema: { tags: ['notifications'], summary: 'The local mail outbox (messages written instead of sent, when no SMTP server is set), newest first', response: { 200: S.OutboxList, ...problems(401, 403) } } },
        async (req) => {
          access.operator(req, 'platform.webhooks.manage');
          const m = svc.mailer;
          return { via: m.via, folder: m.via === 'outbox' ? m.outboxWhere : null, data: (await svc.outboxMessages(200)).map((e) => ({ name: e.file.split('/').pop() ?? e.file, to: e.to, subject: e.subject, at: e.at, bytes: e.bytes })) };
        },
      );

      app.get(
        '/api/v1/mail-outbox/:name',
        {
          config: { operator: 'platform.webhooks.manage' },
          schema: { tags: ['notifications'], summary: 'One message of the local mail outbox', params: Type.Object({ name: Type.String({ pattern: '^[0-9A-Za-z-]+\\.eml$', maxLength: 100 }) }, { additionalProperties: false }), response: { 200: S.OutboxMessageDetailDto, ...problems(400, 401, 403, 404) } },
        },
        async (req) => {
          access.operator(req, 'platform.webhooks.manage');
          return outboxMessage(req.params.name, await svc.mailer.readOutbox(req.params.name));
        },
      );
    },

    tenant(app: App): void {
      webhookRoutes(app, svc, 'tenant', '/api/v1/tenants/:tenant_id/webhooks', (req) => {
        const id = (req.params as { tenant_id: string }).tenant_id;
        access.tenant(req, id, 'tenant.webhooks.manage');
        return { type: 'tenant', id };
      }, false);
    },

    partner(app: App): void {
      webhookRoutes(app, svc, 'partner', '/api/v1/partners/:partner_id/webhooks', (req) => {
        const id = (req.params as { partner_id: string }).partner_id;
        access.partner(req, id, 'partner.webhooks.manage');
        return { type: 'partner', id };
      }, false);
    },
  };
}
