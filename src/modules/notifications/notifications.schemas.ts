import type { TSchema } from 'typebox';
import { Id, Nullable, PageQuery, Strict, Timestamp, Type } from '../../platform/http/schemas.ts';

const EventTypeName = Type.String({ minLength: 1, maxLength: 80, pattern: '^(\\*|[a-z_]+\\.[a-z_]+)$', description: 'an event type of the catalog (GET /api/v1/event-types), or * for all' });

export const EventTypeDto = Type.Object(
  {
    type: Type.String(),
    version: Type.Integer(),
    label: Type.String({ description: 'plain words for pickers' }),
    description: Type.String(),
    payload_schema: Type.Unknown({ description: 'JSON Schema of the event data' }),
  },
  { title: 'EventType' },
);

export const WebhookEndpointDto = Type.Object(
  {
    id: Type.String(),
    url: Type.String(),
    description: Type.String(),
    event_types: Type.Array(Type.String()),
    status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
    consecutive_failures: Type.Integer(),
    disabled_at: Nullable(Timestamp),
    disabled_reason: Nullable(Type.String()),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { title: 'WebhookEndpoint' },
);

export const CreatedWebhookEndpointDto = Type.Object(
  {
    endpoint: WebhookEndpointDto,
    secret: Type.String({ description: 'the signing secret (whsec_…), shown this once' }),
  },
  { title: 'CreatedWebhookEndpoint' },
);

export const CreateWebhookEndpointBody = Strict({
  url: Type.String({ minLength: 8, maxLength: 2000, description: 'http(s) URL that receives the POSTs' }),
  description: Type.Optional(Type.String({ maxLength: 200 })),
  event_types: Type.Array(EventTypeName, { minItems: 1, maxItems: 50 }),
});

export const UpdateWebhookEndpointBody = Type.Object(
  {
    url: Type.Optional(Type.String({ minLength: 8, maxLength: 2000 })),
    description: Type.Optional(Type.String({ maxLength: 200 })),
    event_types: Type.Optional(Type.Array(EventTypeName, { minItems: 1, maxItems: 50 })),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')], { description: 'disabled: stop sending; active: turn back on (clears the failure count)' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const WebhookAttemptDto = Type.Object({
  attempt: Type.Integer(),
  at: Timestamp,
  outcome: Type.Union([Type.Literal('succeeded'), Type.Literal('failed')]),
  status_code: Nullable(Type.Integer()),
  latency_ms: Type.Integer(),
  error: Nullable(Type.String()),
});

export const WebhookDeliveryDto = Type.Object(
  {
    id: Type.String(),
    message_id: Type.String({ description: 'the webhook-id header' }),
    event_type: Type.String(),
    kind: Type.Union([Type.Literal('event'), Type.Literal('ping'), Type.Literal('redelivery')]),
    status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
    attempts: Type.Integer(),
    last_status_code: Nullable(Type.Integer()),
    last_latency_ms: Nullable(Type.Integer()),
    last_error: Nullable(Type.String()),
    next_attempt_at: Nullable(Timestamp),
    created_at: Timestamp,
    completed_at: Nullable(Timestamp),
  },
  { title: 'WebhookDelivery' },
);

export const WebhookDeliveryDetailDto = Type.Object(
  {
    delivery: WebhookDeliveryDto,
    payload: Type.String({ description: 'the request body sent' }),
    attempts: Type.Array(WebhookAttemptDto),
  },
  { title: 'WebhookDeliveryDetail' },
);

export const NotificationDto = Type.Object(
  {
    id: Type.String(),
    type: Type.String(),
    title: Type.String(),
    body: Type.String(),
    link: Nullable(Type.String({ description: 'portal page it is about' })),
    created_at: Timestamp,
    read_at: Nullable(Timestamp),
  },
  { title: 'Notification' },
);

export const NotificationCountsDto = Type.Object(
  {
    unread: Type.Integer(),
    waiting: Type.Array(
      Type.Object({
        kind: Type.String({ description: 'link_requests (more kinds as modules add them)' }),
        label: Type.String(),
        count: Type.Integer(),
        tenant_id: Nullable(Type.String()),
        link: Type.String(),
      }),
    ),
    bell: Type.Integer({ description: 'what the bell shows: every waiting item once, plus the unread notices about anything else (a waiting request is not counted again by its notice)' }),
  },
  { title: 'NotificationCounts' },
);

export const NotificationPreferenceDto = Type.Object({ type: Type.String(), label: Type.String(), description: Type.String(), in_app: Type.Boolean(), email: Type.Boolean() });
export const NotificationPreferencesDto = Type.Object({ events: Type.Array(NotificationPreferenceDto) }, { title: 'NotificationPreferences' });
export const SaveNotificationPreferencesBody = Strict({
  events: Type.Array(Strict({ type: EventTypeName, in_app: Type.Boolean(), email: Type.Boolean() }), { minItems: 1, maxItems: 100 }),
});

export const ListNotificationsQuery = Strict({ ...PageQuery, unread: Type.Optional(Type.Boolean()) });
export const MarkReadBody = Strict({ ids: Type.Optional(Type.Array(Id('ntf'), { minItems: 1, maxItems: 200 })), all: Type.Optional(Type.Literal(true)) });

export const OutboxMessageDto = Type.Object(
  { name: Type.String(), to: Type.String(), subject: Type.String(), at: Type.String(), bytes: Type.Integer() },
  { title: 'OutboxMessage' },
);
export const OutboxMessageDetailDto = Type.Object(
  { name: Type.String(), to: Type.String(), subject: Type.String(), at: Type.String(), text: Type.String({ description: 'the plain-text part' }) },
  { title: 'OutboxMessageDetail' },
);
export const OutboxList = Type.Object({ via: Type.Union([Type.Literal('smtp'), Type.Literal('outbox')]), folder: Nullable(Type.String()), data: Type.Array(OutboxMessageDto) }, { title: 'MailOutbox' });

export const EndpointParams = (scope: 'tenant' | 'partner' | 'platform') =>
  Strict({ ...scopeParam(scope), endpoint_id: Id('whk') });
export const DeliveryParams = (scope: 'tenant' | 'partner' | 'platform') =>
  Strict({ ...scopeParam(scope), endpoint_id: Id('whk'), delivery_id: Id('whd') });
export const ScopeParams = (scope: 'tenant' | 'partner') => Strict(scopeParam(scope));

function scopeParam(scope: 'tenant' | 'partner' | 'platform'): Record<string, TSchema> {
  if (scope === 'tenant') return { tenant_id: Id('tnt') };
  if (scope === 'partner') return { partner_id: Id('ptr') };
  return {};
}

export const DeliveriesQuery = Strict({ ...PageQuery });
