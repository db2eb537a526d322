/**
 * The events worker: the durable job mechanism behind webhooks and e-mail. Three table-backed
 * queues, each drained by claiming due rows:
 *
 *  1. fan-out — pending `domain_events`, locked for the transaction that turns each into webhook
 *     deliveries, notifications and e-mail and marks it dispatched (`FOR UPDATE SKIP LOCKED` on
 *     PostgreSQL: two instances take disjoint events; SQLite has one writer);
 *  2. webhook deliveries — due rows get a lease (`locked_until`) in a short transaction, are sent
 *     outside it, and their results are written in one transaction per batch; a crashed instance's
 *     lease lapses and the delivery is sent again (at least once; receivers drop duplicates by
 *     `webhook-id`). Failures retry with exponential backoff; an endpoint failing
 *     WEBHOOK_DISABLE_AFTER_FAILURES times in a row is turned off and its owners are told;
 *  3. e-mail — claimed like deliveries, sent with the platform mailer (SMTP or the outbox).
 *
 * Everything runs as the system (events span tenants). State lives in the tables only, so a
 * restart loses nothing. Time comes from the clock, so tests drive `tick()` with a manual clock.
 */
import type { Clock } from '../../platform/clock.ts';
import { decryptWithSecret, encryptWithSecret } from '../../platform/crypto.ts';
import { mutate, type Db, type Tx } from '../../platform/db/database.ts';
import { asSystem } from '../../platform/db/db-context.ts';
import { newId } from '../../platform/ids.ts';
import { systemContext } from '../../platform/http/request-context.ts';
import type { Mailer, MailMessage } from '../../platform/mail/mailer.ts';
import type { OutboundClient } from '../../platform/outbound/outbound-http.ts';
import { webhookHeaders } from '../../platform/outbound/webhook-signature.ts';
import { endSpan, startSpan, traceparentOf } from '../../platform/observability/tracing.ts';
import type { Metrics } from '../../platform/observability/metrics.ts';
import type { AuditLog } from '../audit/index.ts';
import { delegationQueries } from '../delegations/index.ts';
import { identityQueries, localePreferencesOf } from '../identity/index.ts';
import { negotiateLocale } from '../../platform/i18n/locales.ts';
import { partnerLookups, partnerQueries } from '../partners/index.ts';
import { tenantQueries } from '../tenants/index.ts';
import type { AudienceDecision, AudiencePolicy, PartnerNotice } from './audience-policy.ts';
import { endpointWants, type EventOutbox } from './event-outbox.ts';
import { eventType } from './events.catalog.ts';
import { noticeFor, noticeMail, type Side } from './notification-text.ts';
import * as repo from './notifications.repo.ts';

export interface EventsWorkerDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  outbox: EventOutbox;
  outbound: OutboundClient;
  mailer: Mailer;
  secretKey: string;
  publicUrl: string;
  maxAttempts: number;
  disableAfterFailures: number;
  onError: (err: unknown, what: string) => void;
  metrics?: Metrics;
}

/** Backoff before attempt n+1 after n failed attempts: 30 s × 4^(n−1), at most 10 h. */
export function retryDelayMs(failedAttempts: number): number {
  return Math.min(30_000 * 4 ** Math.max(0, failedAttempts - 1), 10 * 3600_000);
}

const EVENT_BATCH = 500;
const DELIVERY_BATCH = 200;
const CONCURRENCY = 64;
const MAIL_BATCH = 50;

export interface TickResult {
  events: number;
  deliveries: number;
  mails: number;
}

export class EventsWorker {
  readonly #d: EventsWorkerDeps;
  readonly #secrets = new Map<string, string>();
  readonly #policies = new Map<string, AudiencePolicy>();
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<unknown> | null = null;

  constructor(d: EventsWorkerDeps) {
    this.#d = d;
  }

  start(intervalMs: number): void {
    if (this.#timer || intervalMs <= 0) return;
    this.#timer = setInterval(() => {
      if (!this.#running) this.tick().catch((e) => this.#d.onError(e, 'events worker'));
    }, intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running?.catch(() => undefined);
  }

  /** One pass: fan out new events, send due deliveries, send due e-mail. */
  tick(): Promise<TickResult> {
    const run = asSystem(async () => {
      const events = await this.dispatchEvents();
      const deliveries = await this.deliverDue();
      const mails = await this.sendDueMail();
      return { events, deliveries, mails };
    });
    // the caller handles run's failure; this second chain only tracks it (and must not be an unhandled rejection)
    this.#running = run
      .finally(() => {
        this.#running = null;
      })
      .catch(() => undefined);
    return run;
  }

  /** Drain the outbox until no pending event is left; returns how many were fanned out. */
  async dispatchEvents(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await asSystem(() =>
        mutate(this.#d.db, async (trx) => {
          const events = await repo.claimPendingEvents(this.#d.db, trx, EVENT_BATCH);
          // the endpoints of the batch's owners in one read (a sync batch brings thousands of events)
          const owners = (k: 'tenant_id' | 'partner_id') => [...new Set(events.map((e) => e[k]).filter((x): x is string => !!x))];
          const endpoints = events.length ? await repo.endpointsOfOwners(trx, owners('tenant_id'), owners('partner_id')) : [];
          for (const e of events) await this.#fanOut(trx, e, endpoints);
          await repo.markDispatched(trx, events.map((e) => e.id), this.#d.clock.now().toISOString());
          return events.length;
        }),
      );
      total += n;
      if (n < EVENT_BATCH) return total;
    }
  }

  async #fanOut(trx: Tx, e: repo.DomainEventRow, active: readonly repo.EndpointRow[]): Promise<void> {
    const now = this.#d.clock.now().toISOString();
    const data = JSON.parse(e.payload) as Record<string, unknown>;
    // an event whose data another module owns: that module decides, per recipient, the partner's side
    const policy = this.#policies.get(e.type);
    const members = policy && e.partner_id ? await partnerQueries.listActiveMemberContacts(trx, e.partner_id) : [];
    const decided = policy && e.partner_id ? await policy(trx, { id: e.id, type: e.type, tenant_id: e.tenant_id, partner_id: e.partner_id, data }, members) : null;
    await queueWebhooks(trx, e, data, active, policy ? (decided?.partnerEndpoint ?? null) : data, now);
    // people: in-app and e-mail, each as their preferences say
    const t = eventType(e.type);
    if (!t) return;
    const people = await recipientsOf(trx, e, data, t.audience, policy ? { members, decided } : null);
    await this.#tellPeople(trx, e, data, t.emailByDefault, people, decided, now);
  }

  /** Each recipient's notice in the app and e-mail as their preferences say, and the addresses a policy lists. */
  async #tellPeople(trx: Tx, e: repo.DomainEventRow, data: Record<string, unknown>, emailByDefault: boolean, people: Map<string, Recipient>, decided: AudienceDecision | null, now: string): Promise<void> {
    const notes: Parameters<typeof repo.insertNotifications>[1] = [];
    const mails: Parameters<typeof repo.insertMail>[1] = [];
    // each address is e-mailed once per event, however many ways it is named
    const mailed = new Set<string>();
    // each in their own language: their choice, else their organization's (never the sender's)
    const languages = await localePreferencesOf(trx, [...people.values()].map((p) => p.r.id));
    for (const { r, side, notice } of people.values()) {
      const locale = negotiateLocale({ person: languages.get(r.id)?.person, organization: languages.get(r.id)?.organization });
      const prefs = (await repo.findPreferences(trx, r.id))[e.type];
      const inApp = (prefs?.in_app ?? true) && (notice ? notice.in_app : true);
      const wantsMail = prefs?.email ?? emailByDefault;
      const email = notice ? notice.email === 'listed' || (notice.email === 'preference' && wantsMail) : wantsMail;
      const text = noticeFor(e.type, notice?.data ?? data, side, locale);
      if (inApp) notes.push({ id: newId('ntf'), user_id: r.id, event_id: e.id, type: e.type, title: text.title, body: text.body, link: text.link, created_at: now, read_at: null });
      if (email && !mailed.has(r.email.toLowerCase())) {
        mailed.add(r.email.toLowerCase());
        mails.push(this.mailRow(e.type, noticeMail(r, text, this.#d.publicUrl, undefined, locale), now));
      }
    }
    // an address listed in a link's alert settings, of no one known here: in the partner organization's default language, else English
    const listedLocale = decided?.addresses.length && e.partner_id ? negotiateLocale({ organization: await partnerLookups.findPartnerLocale(trx, e.partner_id) }) : undefined;
    for (const a of decided?.addresses ?? []) {
      if (mailed.has(a.email.toLowerCase())) continue;
      mailed.add(a.email.toLowerCase());
      mails.push(this.mailRow(e.type, noticeMail({ email: a.email, name: a.email }, noticeFor(e.type, a.data, 'partner', listedLocale), this.#d.publicUrl, 'listed', listedLocale), now));
    }
    if (notes.length) await repo.insertNotifications(trx, notes);
    if (mails.length) await repo.insertMail(trx, mails);
  }

  /** Let the module that owns an event's data decide its partner-side audience, per recipient. */
  setAudiencePolicy(type: string, policy: AudiencePolicy): void {
    this.#policies.set(type, policy);
  }

  /** A queued e-mail (the message encrypted: it may hold a one-time link). */
  mailRow(kind: string, m: MailMessage, nowIso: string) {
    return {
      id: newId('mail'),
      kind,
      to_domain: m.to.split('@')[1] ?? '',
      message_enc: encryptWithSecret(this.#d.secretKey, JSON.stringify(m)),
      status: 'pending' as const,
      attempts: 0,
      next_attempt_at: nowIso,
      locked_until: null,
      last_error: null,
      created_at: nowIso,
      sent_at: null,
    };
  }

  #leaseUntil(): string {
    return new Date(this.#d.clock.nowMs() + this.#d.outbound.policy.timeoutMs * 2 + 60_000).toISOString();
  }

  #secret(endpoint: repo.EndpointRow): string {
    let s = this.#secrets.get(endpoint.id + endpoint.secret_enc);
    if (!s) {
      s = decryptWithSecret(this.#d.secretKey, endpoint.secret_enc);
      this.#secrets.set(endpoint.id + endpoint.secret_enc, s);
    }
    return s;
  }

  /** Send due deliveries (all of them, batch by batch; or only `onlyIds`); returns how many attempts were made. */
  async deliverDue(onlyIds?: string[]): Promise<number> {
    let total = 0;
    for (;;) {
      const nowIso = this.#d.clock.now().toISOString();
      const claimed = await asSystem(() => mutate(this.#d.db, (trx) => repo.claimDueDeliveries(this.#d.db, trx, nowIso, this.#leaseUntil(), DELIVERY_BATCH, onlyIds)));
      if (claimed.length === 0) return total;
      total += claimed.length;
      await this.#deliverBatch(claimed);
      if (claimed.length < DELIVERY_BATCH || onlyIds) return total;
    }
  }

  async #deliverBatch(claimed: repo.DeliveryRow[]): Promise<void> {
    const endpoints = new Map<string, repo.EndpointRow>();
    for (const id of new Set(claimed.map((c) => c.endpoint_id))) {
      const e = await repo.findEndpointById(this.#d.db.kysely, id);
      if (e) endpoints.set(id, e);
    }
    type Result = { d: repo.DeliveryRow; ok: boolean; status: number | null; latency: number; error: string | null; at: string };
    const results: Result[] = [];
    let next = 0;
    const worker = async () => {
      while (next < claimed.length) {
        const d = claimed[next++];
        const ep = endpoints.get(d.endpoint_id);
        if (!ep) continue;
        const at = this.#d.clock.now();
        const headers = webhookHeaders(this.#secret(ep), d.message_id, at, d.payload);
        // tracing on: a span per attempt, its traceparent sent along (the receiver's spans are its children)
        const span = startSpan('webhook.delivery', { 'partnergate.webhook_endpoint': ep.id, 'partnergate.delivery_id': d.id });
        if (span !== null) headers.traceparent = traceparentOf(span);
        const r = await this.#d.outbound.post(ep.url, headers, d.payload);
        const delivered = r.ok && r.status >= 200 && r.status < 300;
        endSpan(span, delivered ? null : 'webhook_failed');
        this.#d.metrics?.webhookDelivery(delivered);
        if (r.ok) {
          const ok = r.status >= 200 && r.status < 300;
          results.push({ d, ok, status: r.status, latency: Math.round(r.latencyMs), error: ok ? null : `answered ${r.status}`, at: at.toISOString() });
        } else {
          results.push({ d, ok: false, status: null, latency: Math.round(r.latencyMs), error: `${r.failure}: ${r.detail}`, at: at.toISOString() });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, claimed.length) }, worker));
    await asSystem(() => mutate(this.#d.db, (trx) => this.#record(trx, results, endpoints)));
  }

  async #record(trx: Tx, results: { d: repo.DeliveryRow; ok: boolean; status: number | null; latency: number; error: string | null; at: string }[], endpoints: Map<string, repo.EndpointRow>): Promise<void> {
    const now = this.#d.clock.now();
    const attempts = results.map((x) => ({ delivery_id: x.d.id, attempt: x.d.attempts + 1, at: x.at, outcome: x.ok ? ('succeeded' as const) : ('failed' as const), status_code: x.status, latency_ms: x.latency, error: x.error }));
    await repo.insertAttempts(trx, attempts);
    // successes in one statement per 500 (their answer codes and times as CASE lists); failures each with their own next time
    const ok = results.filter((x) => x.ok);
    await repo.markDeliveriesSucceeded(trx, ok.map((x) => ({ id: x.d.id, status: x.status, latency: x.latency })), now.toISOString());
    for (const x of results.filter((r) => !r.ok)) {
      const n = x.d.attempts + 1;
      const last = n >= this.#d.maxAttempts;
      await repo.updateDelivery(trx, x.d.id, {
        status: last ? 'failed' : 'pending',
        attempts: n,
        last_status_code: x.status,
        last_latency_ms: x.latency,
        last_error: x.error,
        locked_until: null,
        next_attempt_at: last ? x.d.next_attempt_at : new Date(now.getTime() + retryDelayMs(n)).toISOString(),
        completed_at: last ? now.toISOString() : null,
      });
    }
    // endpoint health: failures in a row since the last success
    for (const [id, ep] of endpoints) {
      const mine = results.filter((r) => r.d.endpoint_id === id);
      if (mine.length === 0) continue;
      const lastOk = mine.map((r) => r.ok).lastIndexOf(true);
      const current = await repo.findEndpointHealth(trx, id);
      if (!current) continue;
      const failures = lastOk >= 0 ? mine.length - 1 - lastOk : current.consecutive_failures + mine.length;
      const disable = current.status === 'active' && failures >= this.#d.disableAfterFailures;
      const lastError = mine[mine.length - 1].error;
      await repo.updateEndpoint(trx, id, {
        consecutive_failures: failures,
        ...(disable ? { status: 'disabled' as const, disabled_at: now.toISOString(), disabled_reason: `failed ${failures} times in a row (last: ${lastError ?? 'unknown'})`, updated_at: now.toISOString() } : {}),
      });
      if (disable) {
        const ctx = systemContext('webhook-health');
        await this.#d.audit.record(trx, ctx, {
          action: 'webhook_endpoint.disabled',
          tenantId: ep.owner_type === 'tenant' ? ep.owner_id : null,
          partnerId: ep.owner_type === 'partner' ? ep.owner_id : null,
          targetType: 'webhook_endpoint',
          targetId: id,
          details: { failures, last_error: lastError },
        });
        await this.#d.outbox.emit(trx, {
          type: 'webhook.endpoint_disabled',
          tenantId: ep.owner_type === 'tenant' ? ep.owner_id : null,
          partnerId: ep.owner_type === 'partner' ? ep.owner_id : null,
          data: { endpoint: { id, url: ep.url, description: ep.description }, failures, last_error: lastError, owner: { type: ep.owner_type, id: ep.owner_id } },
        });
      }
    }
  }

  /** Send due e-mail; a failure is retried with the same backoff, 8 attempts in all. */
  async sendDueMail(): Promise<number> {
    let total = 0;
    for (;;) {
      const nowIso = this.#d.clock.now().toISOString();
      const claimed = await asSystem(() => mutate(this.#d.db, (trx) => repo.claimDueMail(this.#d.db, trx, nowIso, this.#leaseUntil(), MAIL_BATCH)));
      if (claimed.length === 0) return total;
      total += claimed.length;
      for (const m of claimed) {
        let error: string | null = null;
        try {
          await this.#d.mailer.send(JSON.parse(decryptWithSecret(this.#d.secretKey, m.message_enc)) as MailMessage);
        } catch (e) {
          // nodemailer's code only: its message may quote the server's answer about the recipient
          error = (e as { code?: string }).code ?? 'send failed';
        }
        this.#d.metrics?.emailSent(error === null);
        const now = this.#d.clock.now();
        const n = m.attempts + 1;
        await asSystem(() =>
          repo.updateMail(
            this.#d.db.kysely,
            m.id,
            error === null
              ? { status: 'sent', attempts: n, sent_at: now.toISOString(), locked_until: null, last_error: null }
              : { status: n >= 8 ? 'failed' : 'pending', attempts: n, locked_until: null, last_error: error, next_attempt_at: new Date(now.getTime() + retryDelayMs(n)).toISOString() },
          ),
        );
      }
      if (claimed.length < MAIL_BATCH) return total;
    }
  }
}

/** A person an event's notice goes to, on which side, and (under a policy) what the policy decided for them. */
interface Recipient { r: repo.Recipient; side: Side; notice: PartnerNotice | null }

/**
 * Webhooks: every active endpoint of the tenant, the partner or the platform that subscribed. A
 * partner's endpoint gets `partnerData` (under a policy: what the partner's own API read would
 * carry, or nothing when null); the others the event's data.
 */
async function queueWebhooks(trx: Tx, e: repo.DomainEventRow, data: Record<string, unknown>, active: readonly repo.EndpointRow[], partnerData: Record<string, unknown> | null, now: string): Promise<void> {
  // an endpoint-disabled notice goes to people, never to webhooks (the endpoint itself is off)
  if (e.type === 'webhook.endpoint_disabled') return;
  const endpoints = active.filter((x) => endpointWants(x, e.type, e.tenant_id, e.partner_id));
  if (!endpoints.length) return;
  const bodyOf = (d: Record<string, unknown>) => JSON.stringify({ type: e.type, version: e.version, timestamp: e.occurred_at, data: d });
  const full = bodyOf(data);
  const partnerBody = partnerData === data ? full : partnerData ? bodyOf(partnerData) : null;
  const sends = endpoints.flatMap((x) => {
    const payload = x.owner_type === 'partner' ? partnerBody : full;
    return payload === null ? [] : [{ x, payload }];
  });
  if (!sends.length) return;
  await repo.insertDeliveries(
    trx,
    sends.map(({ x, payload }) => ({
      id: newId('whd'),
      endpoint_id: x.id,
      message_id: e.id,
      event_type: e.type,
      payload,
      kind: 'event' as const,
      status: 'pending' as const,
      attempts: 0,
      next_attempt_at: now,
      locked_until: null,
      last_status_code: null,
      last_latency_ms: null,
      last_error: null,
      event_at: e.occurred_at,
      created_at: now,
      completed_at: null,
    })),
  );
}

/** Who hears of an event, by its catalog audience; under a policy the partner's side is the policy's choice of its members. */
async function recipientsOf(trx: Tx, e: repo.DomainEventRow, data: Record<string, unknown>, audience: string, policy: { members: readonly repo.Recipient[]; decided: AudienceDecision | null } | null): Promise<Map<string, Recipient>> {
  const people = new Map<string, Recipient>();
  const add = (rs: readonly repo.Recipient[], side: Side) => {
    for (const r of rs) if (!people.has(r.id)) people.set(r.id, { r, side, notice: null });
  };
  const wantsTenant = audience === 'tenant_admins' || audience === 'both';
  const wantsPartner = audience === 'partner_members' || audience === 'both';
  // a request answered before its notice went out asks nobody any more (as an application, below)
  const answered = e.type === 'delegation.requested' && (await delegationQueries.findDelegationById(trx, String((data.delegation as { id?: unknown } | undefined)?.id ?? '')))?.status !== 'requested';
  if (wantsTenant && e.tenant_id && !answered) add(await tenantQueries.listActiveAdminContacts(trx, e.tenant_id), 'tenant');
  if (wantsPartner && e.partner_id) {
    if (!policy) add(await partnerQueries.listActiveMemberContacts(trx, e.partner_id), 'partner');
    else
      for (const r of policy.members) {
        const notice = policy.decided?.people.get(r.id);
        if (notice && !people.has(r.id)) people.set(r.id, { r, side: 'partner', notice });
      }
  }
  if (audience === 'endpoint_owners') {
    const owner = data.owner as { type: string; id: string } | undefined;
    if (owner?.type === 'tenant') add(await tenantQueries.listActiveAdminContacts(trx, owner.id), 'tenant');
    else if (owner?.type === 'partner') add(await partnerQueries.listActiveMemberContacts(trx, owner.id, true), 'partner');
    else add(await identityQueries.listActiveOperators(trx), 'operator');
  }
  // an application answered before its notice went out needs no notice (the operator already acted)
  if (audience === 'operators' && (e.type !== 'partner.applied' || (e.partner_id && (await partnerQueries.findPartnerById(trx, e.partner_id))?.status === 'applied'))) add(await identityQueries.listActiveOperators(trx), 'operator');
  return people;
}
