/** Notifications, preferences, webhook endpoints and the mail outbox (wire types and calls). */
import type { Schemas } from './schema.ts';
import { http } from './client.ts';
import type { Page } from './types.ts';

export type NotificationDto = Schemas['Notification'];
export type NotificationCounts = Schemas['NotificationCounts'];
export type NotificationPreferences = Schemas['NotificationPreferences'];
export type EventTypeDto = Schemas['EventType'];
export type WebhookEndpointDto = Schemas['WebhookEndpoint'];
export type CreatedWebhookEndpoint = Schemas['CreatedWebhookEndpoint'];
export type WebhookDeliveryDto = Schemas['WebhookDelivery'];
export type WebhookDeliveryDetail = Schemas['WebhookDeliveryDetail'];
export type MailOutbox = Schemas['MailOutbox'];
export type OutboxMessageDetail = Schemas['OutboxMessageDetail'];

const enc = encodeURIComponent;

export const notificationsApi = {
  counts: () => http.get<NotificationCounts>('/api/v1/me/notifications/counts'),
  list: (q: { unread?: boolean; cursor?: string; limit?: number }) => http.get<Page<NotificationDto>>('/api/v1/me/notifications', q),
  markRead: (ids: string[]) => http.post<{ marked: number }>('/api/v1/me/notifications/read', { ids }),
  markAllRead: () => http.post<{ marked: number }>('/api/v1/me/notifications/read', { all: true }),
  preferences: () => http.get<NotificationPreferences>('/api/v1/me/notification-preferences'),
  savePreferences: (events: { type: string; in_app: boolean; email: boolean }[]) => http.put<NotificationPreferences>('/api/v1/me/notification-preferences', { events }),
  eventTypes: () => http.get<{ data: EventTypeDto[] }>('/api/v1/event-types'),
  outbox: () => http.get<MailOutbox>('/api/v1/mail-outbox'),
  outboxMessage: (name: string) => http.get<OutboxMessageDetail>(`/api/v1/mail-outbox/${enc(name)}`),
};

/** Where an owner's endpoints live: a tenant's, a partner's or the platform's. */
export type WebhookOwner = { kind: 'tenant'; id: string } | { kind: 'partner'; id: string } | { kind: 'platform' };

export function webhooksBase(o: WebhookOwner): string {
  if (o.kind === 'tenant') return `/api/v1/tenants/${enc(o.id)}/webhooks`;
  if (o.kind === 'partner') return `/api/v1/partners/${enc(o.id)}/webhooks`;
  return '/api/v1/webhooks';
}

export const webhooksApi = {
  list: (o: WebhookOwner) => http.get<{ data: WebhookEndpointDto[] }>(webhooksBase(o)),
  create: (o: WebhookOwner, body: { url: string; description?: string; event_types: string[] }) => http.post<CreatedWebhookEndpoint>(webhooksBase(o), body),
  update: (o: WebhookOwner, id: string, body: { url?: string; description?: string; event_types?: string[]; status?: 'active' | 'disabled' }) =>
    http.patch<WebhookEndpointDto>(`${webhooksBase(o)}/${enc(id)}`, body),
  remove: (o: WebhookOwner, id: string) => http.delete(`${webhooksBase(o)}/${enc(id)}`),
  deliveries: (o: WebhookOwner, id: string, cursor?: string) => http.get<Page<WebhookDeliveryDto>>(`${webhooksBase(o)}/${enc(id)}/deliveries`, cursor ? { cursor } : {}),
  delivery: (o: WebhookOwner, id: string, deliveryId: string) => http.get<WebhookDeliveryDetail>(`${webhooksBase(o)}/${enc(id)}/deliveries/${enc(deliveryId)}`),
  redeliver: (o: WebhookOwner, id: string, deliveryId: string) => http.post<WebhookDeliveryDetail>(`${webhooksBase(o)}/${enc(id)}/deliveries/${enc(deliveryId)}/redeliver`),
  ping: (o: WebhookOwner, id: string) => http.post<WebhookDeliveryDetail>(`${webhooksBase(o)}/${enc(id)}/ping`),
};
