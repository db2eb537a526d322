/**
 * Events out: the catalog of domain events and their outbox, webhooks (Standard
 * Webhooks, retried, logged), e-mail through the platform mailer, and the in-app notification
 * center. Other modules emit events through `notifications.outbox.emit(trx, …)` in their own
 * transaction, and add "waiting for you" counts with `addWaitingCounter`.
 */
export { NotificationsService, type NotificationsDeps, type Owner, type WaitingItem } from './notifications.service.ts';
export { EventOutbox, type EmitInput } from './event-outbox.ts';
export type { AudiencePolicy, AudienceDecision, AudienceEvent, PartnerNotice } from './audience-policy.ts';
export type { Recipient } from './notifications.repo.ts';
export { EventsWorker, retryDelayMs } from './events-worker.ts';
export { EVENT_TYPES, EVENT_TYPE_NAMES, eventType, eventsMarkdown, type EventType } from './events.catalog.ts';
export { notificationRoutes } from './notifications.routes.ts';
export { notificationErrors } from './notifications.errors.ts';
export { MailOutboxStore, MAIL_OUTBOX_RETENTION_MS } from './mail-outbox.ts';
export { alertWords, alertMoney, factsOf, figuresHidden, type AlertFacts, type AlertLike } from './alert-text.ts';
