/** Cache keys for notifications (bell, list, preferences), webhooks and the operator's mail outbox. */
export const notificationKeys = {
  all: ['notifications'] as const,
  counts: ['notifications', 'counts'] as const,
  latest: ['notifications', 'latest'] as const,
  list: (show: string) => ['notifications', 'list', show] as const,
  preferences: ['notifications', 'preferences'] as const,
  eventTypes: ['event-types'] as const,
  outbox: ['mail-outbox'] as const,
  outboxMessage: (id: string | null) => ['mail-outbox', 'message', id] as const,
};

export const webhookKeys = {
  of: (kind: string, id: string) => ['webhooks', kind, id] as const,
  deliveries: (endpointId: string) => ['webhooks', 'deliveries', endpointId] as const,
};
