/**
 * Events out: the outbox (EventOutbox, fed by the audit hook), webhook endpoints of tenants,
 * partners and the platform (secret shown once, stored encrypted), their delivery log with
 * redelivery and a test ping, the in-app notification center with per-user preferences and the
 * "waiting for you" counts, and the e-mail queue (invitations). The worker (events-worker.ts)
 * does the sending.
 */
import type { Clock } from '../../platform/clock.ts';
import { encryptWithSecret } from '../../platform/crypto.ts';
import { lockRows, mutate, type Db, type Tx } from '../../platform/db/database.ts';
import { asSystem } from '../../platform/db/db-context.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { Mailer } from '../../platform/mail/mailer.ts';
import type { MailBrand } from '../../platform/mail/mail-template.ts';
import { OutboundClient, refuseUrl } from '../../platform/outbound/outbound-http.ts';
import { newWebhookSecret } from '../../platform/outbound/webhook-signature.ts';
import type { AuditLog } from '../audit/index.ts';
import type { AudiencePolicy } from './audience-policy.ts';
import { EventOutbox } from './event-outbox.ts';
import { EVENT_TYPES, eventType, PING_EVENT_TYPE } from './events.catalog.ts';
import { EventsWorker } from './events-worker.ts';
import type { AlertFacts } from './alert-text.ts';
import { invitationMail, noticeMail } from './notification-text.ts';
import { notificationErrors as E } from './notifications.errors.ts';
import * as repo from './notifications.repo.ts';
import { countWaitingLinkRequests } from '../delegations/index.ts';
import { identityQueries, localePreferencesOf } from '../identity/index.ts';
import { negotiateLocale } from '../../platform/i18n/locales.ts';
import { partnerQueries } from '../partners/index.ts';
import { tenantQueries } from '../tenants/index.ts';
import type { Metrics } from '../../platform/observability/metrics.ts';
import { problemDetails as PD } from './notifications.problem-details.ts';

export type { DeliveryRow, EndpointRow } from './notifications.repo.ts';

export interface NotificationsDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  mailer: Mailer;
  secretKey: string;
  publicUrl: string;
  allowPrivateTargets: boolean;
  timeoutMs: number;
  maxAttempts: number;
  disableAfterFailures: number;
  onError: (err: unknown, what: string) => void;
  /** webhook and e-mail outcomes are counted here when metrics are on */
  metrics?: Metrics;
}

export interface Owner {
  type: repo.OwnerType;
  /** the tenant's or partner's id; '' for the platform */
  id: string;
}

export interface WaitingItem {
  kind: 'link_requests' | 'access_requests';
  /** plain words: "2 partners ask for access to Acme" */
  label: string;
  count: number;
  tenant_id: string | null;
  link: string;
}

/** Audited answers to a link request: its "asks for access" notices stop being new. */
const ANSWERED = new Set(['delegation.approved', 'delegation.rejected', 'delegation.revoked', 'delegation.expired']);
/** an application answered: approved or rejected */
const APPLICATION_ANSWERED = new Set(['partner.approved', 'partner.rejected']);
/** An alert someone acknowledged or resolved no longer needs anyone's attention. */
const ALERT_HANDLED = new Set(['alert.acknowledged', 'alert.resolved']);
/** Notices about what the "waiting for you" items count (while unread, the request still waits). */
const WAITING_NOTICES = ['delegation.requested'];

export class NotificationsService {
  readonly #d: NotificationsDeps;
  readonly outbox: EventOutbox;
  readonly outbound: OutboundClient;
  readonly worker: EventsWorker;
  /** more "waiting for you" counts (agreements to sign, KYC to review …), added by other modules */
  readonly #waiting: ((userId: string) => Promise<WaitingItem[]>)[] = [];

  /**
   * An alert of the MSP workspace, raised or resolved outside any other change: written to the outbox
   * as `alert.raised` (or `alert.resolved`) in its own transaction, with its figures. Who hears of it on the partner's side,
   * and with which of them, is the alerts module's decision per recipient at dispatch time
   * (setAudiencePolicy); the tenant's admins read their own data.
   */
  async publishAlert(a: { type?: 'alert.raised' | 'alert.resolved'; alertId: string; tenantId: string | null; partnerId: string; kind: string; severity: 'warning' | 'critical'; title: string; detail: string; facts?: AlertFacts | null }): Promise<void> {
    if (a.tenantId === null) return;
    const tenantId = a.tenantId;
    await asSystem(() =>
      mutate(this.#d.db, async (trx) => {
        const t = await tenantQueries.findTenantById(trx, tenantId);
        const p = await partnerQueries.findPartnerById(trx, a.partnerId);
        if (!t) return;
        await this.outbox.emit(trx, {
          type: a.type ?? 'alert.raised',
          tenantId,
          partnerId: a.partnerId,
          data: { alert: { id: a.alertId, kind: a.kind, severity: a.severity, title: a.title, detail: a.detail, ...(a.facts ? { facts: a.facts } : {}) }, tenant: { id: t.id, name: t.name }, partner: p ? { id: p.id, name: p.name } : null },
        });
      }),
    );
  }

  /** The module that owns an event's data decides, per recipient, who on the partner's side hears of it and what they read. */
  setAudiencePolicy(type: string, policy: AudiencePolicy): void {
    this.worker.setAudiencePolicy(type, policy);
  }

  constructor(d: NotificationsDeps) {
    this.#d = d;
    this.outbox = new EventOutbox(d.clock, d.db.dialect);
    this.outbound = new OutboundClient({ allowPrivate: d.allowPrivateTargets, timeoutMs: d.timeoutMs, maxResponseBytes: 64 * 1024 });
    this.worker = new EventsWorker({ ...d, outbox: this.outbox, outbound: this.outbound });
    // every audited change the catalog reports becomes an event in the same transaction
    d.audit.onRecord((trx, ctx, entry) => this.outbox.fromAudit(trx, ctx, entry));
    // an answered request stops being new for everyone who was asked, in the answer's transaction
    d.audit.onRecord(async (trx, _ctx, entry) => {
      if (ANSWERED.has(entry.action) && entry.targetType === 'delegation' && entry.targetId) await repo.settleRequestNotices(trx, entry.targetId, this.#now());
      // the application the operators were told of is answered: the bell stops showing it as new
      if (APPLICATION_ANSWERED.has(entry.action) && entry.targetType === 'partner' && entry.targetId) await repo.settleApplicationNotices(trx, entry.targetId, this.#now());
      // an acknowledged or resolved alert's notices are done for everyone they were for: the bell drops
      if (ALERT_HANDLED.has(entry.action) && entry.targetType === 'alert' && entry.targetId) await repo.settleAlertNotices(trx, entry.targetId, this.#now());
    });
  }

  get mailer(): Mailer {
    return this.#d.mailer;
  }

  #now(): string {
    return this.#d.clock.now().toISOString();
  }

  #auditScope(owner: Owner) {
    return { tenantId: owner.type === 'tenant' ? owner.id : null, partnerId: owner.type === 'partner' ? owner.id : null };
  }

  // ---- webhook endpoints --------------------------------------------------------------------

  #checkUrl(url: string): void {
    const refused = refuseUrl(url, this.#d.allowPrivateTargets);
    if (refused) throw E.webhook_url_not_allowed(`${refused.detail}.`, { fields: [{ pointer: '/url', detail: refused.detail }] });
  }

  #checkTypes(types: string[]): string[] {
    for (const [i, t] of types.entries()) {
      if (t !== '*' && !eventType(t)) throw E.webhook_event_type_unknown(PD.noEventType, { values: { t }, fields: [{ pointer: `/event_types/${i}`, detail: 'not in the event catalog' }] });
    }
    return [...new Set(types)];
  }

  listEndpoints(owner: Owner) {
    return repo.listEndpoints(this.#d.db.kysely, owner.type, owner.id);
  }

  async getEndpoint(owner: Owner, id: string): Promise<repo.EndpointRow> {
    const e = await repo.findEndpoint(this.#d.db.kysely, owner.type, owner.id, id);
    if (!e) throw E.webhook_endpoint_not_found();
    return e;
  }

  /** Register an endpoint; the secret is returned here only. */
  async createEndpoint(ctx: RequestContext, owner: Owner, input: { url: string; description?: string; event_types: string[] }): Promise<{ endpoint: repo.EndpointRow; secret: string }> {
    this.#checkUrl(input.url);
    const types = this.#checkTypes(input.event_types);
    const secret = newWebhookSecret();
    const now = this.#now();
    const row: repo.EndpointRow = {
      id: newId('whk'),
      owner_type: owner.type,
      owner_id: owner.id,
      url: input.url,
      description: input.description?.trim() ?? '',
      event_types: JSON.stringify(types),
      secret_enc: encryptWithSecret(this.#d.secretKey, secret),
      status: 'active',
      consecutive_failures: 0,
      disabled_at: null,
      disabled_reason: null,
      created_by: ctx.actor.userId,
      created_at: now,
      updated_at: now,
    };
    await mutate(this.#d.db, async (trx) => {
      await repo.insertEndpoint(trx, row);
      // the URL is the owner's own address; the secret is never in the audit log
      await this.#d.audit.record(trx, ctx, { action: 'webhook_endpoint.created', ...this.#auditScope(owner), targetType: 'webhook_endpoint', targetId: row.id, details: { url: row.url, event_types: types } });
    });
    return { endpoint: row, secret };
  }

  /** Change the URL, description or event types, or turn the endpoint off or back on (which clears its failure count). */
  async updateEndpoint(ctx: RequestContext, owner: Owner, id: string, input: { url?: string; description?: string; event_types?: string[]; status?: 'active' | 'disabled' }): Promise<repo.EndpointRow> {
    if (input.url !== undefined) this.#checkUrl(input.url);
    const types = input.event_types ? this.#checkTypes(input.event_types) : undefined;
    return mutate(this.#d.db, async (trx) => {
      await lockRows(this.#d.db, trx, 'webhook_endpoints', { id });
      const e = await repo.findEndpoint(trx, owner.type, owner.id, id);
      if (!e) throw E.webhook_endpoint_not_found();
      const now = this.#now();
      const patch: Partial<repo.EndpointRow> = { updated_at: now };
      if (input.url !== undefined) patch.url = input.url;
      if (input.description !== undefined) patch.description = input.description.trim();
      if (types) patch.event_types = JSON.stringify(types);
      if (input.status === 'active' && e.status !== 'active') Object.assign(patch, { status: 'active', consecutive_failures: 0, disabled_at: null, disabled_reason: null });
      if (input.status === 'disabled' && e.status !== 'disabled') Object.assign(patch, { status: 'disabled', disabled_at: now, disabled_reason: 'turned off by a person' });
      await repo.updateEndpoint(trx, id, patch);
      const changes = Object.keys(patch).filter((k) => k !== 'updated_at');
      await this.#d.audit.record(trx, ctx, { action: 'webhook_endpoint.updated', ...this.#auditScope(owner), targetType: 'webhook_endpoint', targetId: id, details: { changes, ...(input.status ? { status: input.status } : {}) } });
      return { ...e, ...patch };
    });
  }

  async deleteEndpoint(ctx: RequestContext, owner: Owner, id: string): Promise<void> {
    await mutate(this.#d.db, async (trx) => {
      const e = await repo.findEndpoint(trx, owner.type, owner.id, id);
      if (!e) throw E.webhook_endpoint_not_found();
      await repo.deleteEndpoint(trx, id);
      await this.#d.audit.record(trx, ctx, { action: 'webhook_endpoint.deleted', ...this.#auditScope(owner), targetType: 'webhook_endpoint', targetId: id, details: { url: e.url } });
    });
  }

  async listDeliveries(owner: Owner, endpointId: string, limit: number, cursor?: string) {
    await this.getEndpoint(owner, endpointId);
    return repo.listDeliveries(this.#d.db.kysely, endpointId, limit, cursor);
  }

  async getDelivery(owner: Owner, endpointId: string, deliveryId: string) {
    await this.getEndpoint(owner, endpointId);
    const d = await repo.findDelivery(this.#d.db.kysely, endpointId, deliveryId);
    if (!d) throw E.webhook_delivery_not_found();
    return { delivery: d, attempts: await repo.listAttempts(this.#d.db.kysely, d.id) };
  }

  /** Send a delivery again, now, as a new delivery of the same message (same webhook-id); answers after its first attempt. */
  async redeliver(ctx: RequestContext, owner: Owner, endpointId: string, deliveryId: string) {
    const e = await this.getEndpoint(owner, endpointId);
    if (e.status !== 'active') throw E.webhook_endpoint_disabled(PD.turnEndpointBack);
    const d = await repo.findDelivery(this.#d.db.kysely, endpointId, deliveryId);
    if (!d) throw E.webhook_delivery_not_found();
    const id = await this.#queue(ctx, owner, e, { message_id: d.message_id, event_type: d.event_type, payload: d.payload, kind: 'redelivery', event_at: d.event_at }, 'webhook_delivery.redelivered', { of: d.id });
    return this.#sendNow(owner, endpointId, id);
  }

  /** A signed test message (type webhook.test), sent now; answers with its first attempt's result. */
  async ping(ctx: RequestContext, owner: Owner, endpointId: string) {
    const e = await this.getEndpoint(owner, endpointId);
    if (e.status !== 'active') throw E.webhook_endpoint_disabled(PD.turnEndpointBack);
    const now = this.#now();
    const msg = newId('msg');
    const payload = JSON.stringify({ type: PING_EVENT_TYPE, version: 1, timestamp: now, data: { endpoint_id: e.id, message: 'A test message from Partnergate: your endpoint receives and verifies signed webhooks.' } });
    const id = await this.#queue(ctx, owner, e, { message_id: msg, event_type: PING_EVENT_TYPE, payload, kind: 'ping', event_at: now }, 'webhook_endpoint.pinged', {});
    return this.#sendNow(owner, endpointId, id);
  }

  async #queue(ctx: RequestContext, owner: Owner, e: repo.EndpointRow, m: { message_id: string; event_type: string; payload: string; kind: 'ping' | 'redelivery'; event_at: string }, action: string, details: Record<string, unknown>): Promise<string> {
    const id = newId('whd');
    const now = this.#now();
    await mutate(this.#d.db, async (trx) => {
      await repo.insertDeliveries(trx, [{ id, endpoint_id: e.id, ...m, status: 'pending', attempts: 0, next_attempt_at: now, locked_until: null, last_status_code: null, last_latency_ms: null, last_error: null, created_at: now, completed_at: null }]);
      await this.#d.audit.record(trx, ctx, { action, ...this.#auditScope(owner), targetType: 'webhook_endpoint', targetId: e.id, details: { delivery_id: id, ...details } });
    });
    return id;
  }

  async #sendNow(owner: Owner, endpointId: string, deliveryId: string) {
    await this.worker.deliverDue([deliveryId]);
    return this.getDelivery(owner, endpointId, deliveryId);
  }

  // ---- notification center ------------------------------------------------------------------

  listNotifications(userId: string, opts: { unread?: boolean; limit: number; cursor?: string }) {
    return repo.listNotifications(this.#d.db.kysely, userId, opts);
  }

  /**
   * Unread notifications, what waits for this person's action, and the number the bell shows:
   * each waiting item once — a request that waits is counted as waiting, and its notice (unread
   * while it waits, read once answered) not a second time — plus the other unread notices.
   */
  async counts(userId: string): Promise<{ unread: number; waiting: WaitingItem[]; bell: number }> {
    const [unread, others] = await Promise.all([repo.countUnread(this.#d.db.kysely, userId), repo.countUnread(this.#d.db.kysely, userId, WAITING_NOTICES)]);
    // as the system: the query is bounded to tenants this user administers (the join on their membership)
    const links = await asSystem(() => countWaitingLinkRequests(this.#d.db.kysely, userId));
    const waiting: WaitingItem[] = links.map((l) => {
      const n = Number(l.n);
      return { kind: 'link_requests', label: `${n} access request${n === 1 ? '' : 's'} from partners wait${n === 1 ? 's' : ''} for your answer at ${l.tenant_name}`, count: n, tenant_id: l.tenant_id, link: `/tenant/${l.tenant_id}/partners` };
    });
    for (const fn of this.#waiting) waiting.push(...(await fn(userId)));
    return { unread, waiting, bell: others + waiting.reduce((n, w) => n + w.count, 0) };
  }

  /** Another module's "waiting for you" counts (agreements to sign, KYC to review …). */
  addWaitingCounter(fn: (userId: string) => Promise<WaitingItem[]>): void {
    this.#waiting.push(fn);
  }

  async markRead(ctx: RequestContext, userId: string, ids: string[] | 'all'): Promise<number> {
    return mutate(this.#d.db, async (trx) => {
      const n = await repo.markRead(trx, userId, ids, this.#now());
      if (ids !== 'all' && ids.length === 1 && n === 0) {
        const exists = await repo.notificationExists(trx, userId, ids[0]);
        if (!exists) throw E.notification_not_found();
      }
      if (n > 0) await this.#d.audit.record(trx, ctx, { action: 'notification.read', targetType: 'user', targetId: userId, details: { count: n, all: ids === 'all' } });
      return n;
    });
  }

  async preferences(userId: string) {
    const saved = await repo.findPreferences(this.#d.db.kysely, userId);
    return EVENT_TYPES.filter((t) => t.audience !== 'none').map((t) => ({
      type: t.type,
      label: t.label,
      description: t.description,
      in_app: saved[t.type]?.in_app ?? true,
      email: saved[t.type]?.email ?? t.emailByDefault,
    }));
  }

  async savePreferences(ctx: RequestContext, userId: string, items: { type: string; in_app: boolean; email: boolean }[]) {
    this.#checkTypes(items.map((i) => i.type).filter((t) => t !== '*'));
    await mutate(this.#d.db, async (trx) => {
      const saved = await repo.findPreferences(trx, userId);
      for (const i of items) saved[i.type] = { in_app: i.in_app, email: i.email };
      await repo.savePreferences(trx, userId, saved, this.#now());
      await this.#d.audit.record(trx, ctx, { action: 'notification.preferences_changed', targetType: 'user', targetId: userId, details: { changed: items.map((i) => i.type) } });
    });
    return this.preferences(userId);
  }

  // ---- e-mail -------------------------------------------------------------------------------

  #mailBrand: ((trx: Tx, scopeType: 'tenant' | 'partner', scopeId: string) => Promise<MailBrand | null>) | null = null;

  /** The brand an invitation is sent in: a partner's for its people, its customer's partner's for a customer (modules/branding, wired in services.ts). */
  setMailBrand(fn: (trx: Tx, scopeType: 'tenant' | 'partner', scopeId: string) => Promise<MailBrand | null>): void {
    this.#mailBrand = fn;
  }

  /** Queue an invitation e-mail in the invitation's transaction (the identity module's hook). */
  async queueInvitation(
    trx: Tx,
    inv: { email: string; role: string; url: string; expiresAt: string; scopeType: 'tenant' | 'partner'; scopeId: string; invitedBy: string | null; acceptLanguage?: string | null },
  ): Promise<void> {
    const org = inv.scopeType === 'tenant' ? await tenantQueries.findTenantById(trx, inv.scopeId) : await partnerQueries.findPartnerById(trx, inv.scopeId);
    const inviter = inv.invitedBy ? await identityQueries.findUserById(trx, inv.invitedBy) : undefined;
    const brand = (await this.#mailBrand?.(trx, inv.scopeType, inv.scopeId)) ?? null;
    // The invitee's language: their own (and their organization's) when they have an account, else the
    // inviting organization's default, else the inviter's browser's.
    const invitee = await identityQueries.findUserByEmail(trx, inv.email);
    const pref = invitee ? (await localePreferencesOf(trx, [invitee.id])).get(invitee.id) : undefined;
    const locale = negotiateLocale({ person: pref?.person, organization: pref?.organization ?? org?.locale, acceptLanguage: inv.acceptLanguage });
    const m = invitationMail({ email: inv.email, organization: org?.name ?? null, kind: inv.scopeType, role: inv.role, inviter: inviter?.name ?? null, url: inv.url, expiresAt: inv.expiresAt, brand, locale });
    await repo.insertMail(trx, [this.worker.mailRow('invitation', m, this.#now())]);
  }

  /** Queue a notice e-mail to one person in the caller's transaction (another module decided who: an access request's reminder). */
  async queueNotice(trx: Tx, kind: string, to: { email: string; name: string }, text: { title: string; body: string; link: string | null }): Promise<void> {
    await repo.insertMail(trx, [this.worker.mailRow(kind, noticeMail(to, text, this.#d.publicUrl), this.#now())]);
  }

  /** The operator's overview: webhook endpoints turned off or failing by owner, e-mail that failed for good. */
  deliveryHealth() {
    return repo.deliveryHealth(this.#d.db.kysely);
  }

  /** The operator's view of the local outbox (when there is no SMTP server). */
  outboxMessages(limit = 100) {
    return this.#d.mailer.listOutbox(limit);
  }

  async close(): Promise<void> {
    await this.worker.stop();
    await this.outbound.close();
    this.#d.mailer.close();
  }
}
