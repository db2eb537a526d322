/**
 * Stripe as a billing source. A data source set up for Stripe keeps its webhook signing secret and
 * API key sealed with the installation's secret (they must be used, so not hashed; never returned).
 * Webhook events are checked with Stripe's own library (`webhooks.constructEvent` on the raw body),
 * mapped to sync lines (stripe-map.ts) and applied through the data sources' applier — the same
 * rules as the sync API: idempotent by external id and version, held lines for unknown billing
 * accounts, the source's kinds and scope, one audited batch per event.
 *
 * Customers map to billing accounts by their metadata.ban, or by the operator's mapping (which
 * wins). An invoice or subscription of a customer with no billing account yet waits here and is
 * applied once the customer is mapped. The backfill pages through Stripe's customers, invoices
 * (and subscriptions when the source sends services) with the library, at the installation's
 * Stripe API base (the STRIPE_API_BASE setting: Stripe's own, or a Stripe-shaped test server).
 */
import Stripe from 'stripe';
import { mutate, type Db } from '../../platform/db/database.ts';
import { asSystem } from '../../platform/db/db-context.ts';
import type { Clock } from '../../platform/clock.ts';
import { decryptWithSecret, encryptWithSecret } from '../../platform/crypto.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { AuditLog } from '../audit/index.ts';
import { sourceContext, type DataSourcesService, type LineResult } from '../datasources/index.ts';
import { dataFeedErrors as E } from './datafeeds.errors.ts';
import * as repo from './datafeeds.repo.ts';
import { idOf, invoiceLines, paymentRefs, refundedInvoiceLine, subscriptionLine, withBan, type StripeCharge, type StripeInvoice, type StripeLine, type StripeRefund, type StripeSubscription } from './stripe-map.ts';

export interface StripeFeedDeps {
  db: Db;
  dataSources: DataSourcesService;
  audit: AuditLog;
  clock: Clock;
  secretKey: string;
  /** Stripe's API base URL (the STRIPE_API_BASE setting) */
  apiBase: string;
  /** the installation's public address, before a webhook's path */
  publicUrl: string;
}

export interface StripeSetup {
  webhook_secret: string;
  api_key?: string | null;
}

export type EventOutcome = 'applied' | 'waiting' | 'ignored' | 'duplicate';

export interface WebhookResult {
  event_id: string;
  type: string;
  outcome: EventOutcome;
  /** in words, when nothing was applied */
  reason?: string;
  results: LineResult[];
}

interface StripeCustomer {
  id: string;
  name?: string | null;
  email?: string | null;
  deleted?: boolean;
  metadata?: Record<string, string> | null;
}

const PAGE = 100;
const CHUNK = 500;
const json = <T>(s: string): T => JSON.parse(s) as T;

export class StripeFeed {
  readonly #d: StripeFeedDeps;
  constructor(d: StripeFeedDeps) {
    this.#d = d;
  }

  /** the public address Stripe posts to, without a trailing slash */
  get publicUrl(): string {
    return this.#d.publicUrl.replace(/\/+$/, '');
  }

  get #k() {
    return this.#d.db.kysely;
  }
  #now() {
    return this.#d.clock.now().toISOString();
  }
  #seal(v: string) {
    return encryptWithSecret(this.#d.secretKey, v);
  }
  #open(v: string) {
    return decryptWithSecret(this.#d.secretKey, v);
  }

  /** Set a source up for Stripe (or change its signing secret or key). */
  async configure(ctx: RequestContext, sourceId: string, setup: StripeSetup) {
    return asSystem(async () => {
      await this.#d.dataSources.require(sourceId);
      const prev = await repo.findStripeSource(this.#k, sourceId);
      const now = this.#now();
      const apiKey = setup.api_key === undefined ? (prev?.api_key_sealed ?? null) : setup.api_key ? this.#seal(setup.api_key) : null;
      await mutate(this.#d.db, async (trx) => {
        await repo.upsertStripeSource(trx, {
          source_id: sourceId,
          webhook_secret_sealed: this.#seal(setup.webhook_secret),
          api_key_sealed: apiKey,
          // the API base is the installation's setting now; the column stays empty
          api_base: null,
          created_at: prev?.created_at ?? now,
          updated_at: now,
          last_event_at: prev?.last_event_at ?? null,
          last_backfill_at: prev?.last_backfill_at ?? null,
        });
        await this.#d.audit.record(trx, ctx, { action: prev ? 'data_source.stripe_updated' : 'data_source.stripe_connected', targetType: 'data_source', targetId: sourceId, details: { api_key: apiKey !== null } });
      });
      return this.status(sourceId);
    });
  }

  /** What the portal shows: set up or not, whether it can backfill, the last event and backfill. Never a secret. */
  async status(sourceId: string) {
    const s = await asSystem(() => repo.findStripeSource(this.#k, sourceId));
    if (!s) return { configured: false, has_api_key: false, last_event_at: null, last_backfill_at: null };
    return { configured: true, has_api_key: s.api_key_sealed !== null, last_event_at: s.last_event_at, last_backfill_at: s.last_backfill_at };
  }

  async #setup(sourceId: string) {
    // an unknown source is 404 data_source_not_found before it is "not set up for Stripe"
    await this.#d.dataSources.require(sourceId);
    const s = await repo.findStripeSource(this.#k, sourceId);
    if (!s) throw E.stripe_not_configured('Set the source up for Stripe first: its webhook signing secret, and an API key for a backfill.');
    return s;
  }

  #client(s: repo.StripeSourceRow): Stripe {
    if (!s.api_key_sealed) throw E.stripe_api_key_missing('Add the source’s Stripe API key (a restricted key that reads customers, invoices and subscriptions).');
    const opts: ConstructorParameters<typeof Stripe>[1] = { maxNetworkRetries: 1, timeout: 30_000 };
    const u = new URL(this.#d.apiBase);
    Object.assign(opts, { host: u.hostname, port: Number(u.port || (u.protocol === 'http:' ? 80 : 443)), protocol: u.protocol.replace(':', '') as 'http' | 'https' });
    return new Stripe(this.#open(s.api_key_sealed), opts);
  }

  // ---- webhooks ------------------------------------------------------------------------------

  /** A webhook delivery: checked against the source's signing secret, then applied. */
  async receiveWebhook(sourceId: string, rawBody: string | Buffer, signature: string | undefined, meta: { requestId: string; ip: string | null; userAgent: string | null }): Promise<WebhookResult> {
    return asSystem(async () => {
      const source = await repo.findStripeSource(this.#k, sourceId);
      const ds = source ? await this.#d.dataSources.require(sourceId).catch(() => null) : null;
      if (!source || !ds || ds.status !== 'active') throw E.stripe_source_unknown('No active Stripe data source receives webhooks at this address.');
      let event: Stripe.Event;
      try {
        // the library only checks the signature here; the dummy key is never sent anywhere
        event = new Stripe('sk_webhook_check_only').webhooks.constructEvent(rawBody, signature ?? '', this.#open(source.webhook_secret_sealed));
      } catch {
        throw E.stripe_signature_invalid('The Stripe-Signature header does not match this body and the source’s webhook signing secret (or is too old).');
      }
      if (await repo.eventSeen(this.#k, sourceId, event.id)) return { event_id: event.id, type: event.type, outcome: 'duplicate', reason: 'This event was processed before.', results: [] };
      const ctx = sourceContext(ds, meta.requestId, meta.ip, meta.userAgent);
      const r = await this.#event(ctx, ds, event);
      const now = this.#now();
      await mutate(this.#d.db, async (trx) => {
        await repo.markEvent(trx, sourceId, event.id, event.type, now);
        await repo.touchStripeSource(trx, sourceId, { last_event_at: now });
      });
      return { event_id: event.id, type: event.type, ...r };
    });
  }

  async #event(ctx: RequestContext, ds: Parameters<DataSourcesService['applySyncLines']>[0] & { id: string; kinds: string }, event: Stripe.Event): Promise<Omit<WebhookResult, 'event_id' | 'type'>> {
    const obj = event.data.object as unknown;
    const type = event.type as string;
    if (type === 'invoice.finalized' || type === 'invoice.paid' || type === 'invoice.voided' || type === 'invoice.marked_uncollectible' || type === 'invoice.payment_succeeded' || type === 'invoice.updated') {
      return this.#invoice(ctx, ds.id, obj as StripeInvoice);
    }
    if (type.startsWith('customer.subscription.')) {
      if (!json<string[]>(ds.kinds).includes('services')) return { outcome: 'ignored', reason: 'This source does not send services.', results: [] };
      const sub = obj as StripeSubscription;
      return this.#object(ctx, ds.id, sub.id, idOf(sub.customer)!, [subscriptionLine(sub, event.created)], [], undefined);
    }
    if (type === 'customer.created' || type === 'customer.updated') {
      const results = await this.#customer(ctx, ds.id, obj as StripeCustomer);
      return { outcome: results.length ? 'applied' : 'ignored', reason: results.length ? undefined : 'The customer is recorded; nothing of it waited.', results };
    }
    if (type === 'charge.refunded') {
      const c = obj as StripeCharge;
      const at = Math.max(event.created, ...(c.refunds?.data ?? []).map((r) => r.created));
      return this.#refund(ctx, ds.id, [idOf(c.invoice), c.id, idOf(c.payment_intent)], c.amount_refunded, at);
    }
    if (type === 'refund.created' || type === 'refund.updated' || type === 'charge.refund.updated') {
      const r = obj as StripeRefund;
      if (r.status && r.status !== 'succeeded') return { outcome: 'ignored', reason: `The refund is ${r.status}, not succeeded.`, results: [] };
      return this.#refund(ctx, ds.id, [idOf(r.charge), idOf(r.payment_intent)], r.amount, Math.max(event.created, r.created));
    }
    return { outcome: 'ignored', reason: `Partnergate does not use ${type} events.`, results: [] };
  }

  async #invoice(ctx: RequestContext, sourceId: string, inv: StripeInvoice) {
    const lines = invoiceLines(inv, Math.floor(this.#d.clock.now().getTime() / 1000));
    if (lines.length === 0) return { outcome: 'ignored' as const, reason: 'A draft invoice is not shown until it is finalized.', results: [] };
    const cust = typeof inv.customer === 'object' && inv.customer ? (inv.customer as StripeCustomer) : undefined;
    return this.#object(ctx, sourceId, inv.id, idOf(inv.customer)!, lines, paymentRefs(inv), cust);
  }

  /**
   * An invoice's or subscription's lines: kept (the newest version) for refunds and for a customer
   * mapped later, and applied when the customer's billing account is known.
   */
  async #object(ctx: RequestContext, sourceId: string, objectId: string, customerId: string, lines: StripeLine[], refs: string[], customer: StripeCustomer | undefined): Promise<Omit<WebhookResult, 'event_id' | 'type'>> {
    const prev = await repo.findObject(this.#k, sourceId, objectId);
    const version = lines[0].version;
    let ban = await this.#banOf(sourceId, customerId, customer);
    if (prev && Number(prev.version) > version) {
      // an older state than the one kept: the applier will say unchanged; nothing to keep
      if (!ban) return { outcome: 'waiting', reason: 'The customer has no billing account yet; a newer state of this record already waits.', results: [] };
    } else {
      await repo.upsertObject(this.#k, {
        source_id: sourceId,
        object_id: objectId,
        customer_id: customerId,
        line: JSON.stringify(lines),
        version,
        payment_refs: JSON.stringify([...new Set([...(prev ? json<string[]>(prev.payment_refs) : []), ...refs])]),
        refunded_cents: prev?.refunded_cents ?? 0,
        waiting: ban ? 0 : 1,
        updated_at: this.#now(),
      });
    }
    ban ??= null;
    if (!ban) return { outcome: 'waiting', reason: `Stripe customer ${customerId} has no billing account yet: set metadata.ban on the customer in Stripe, or map it on the source's page.`, results: [] };
    const results = await this.#d.dataSources.applySyncLines(sourceId, lines.map((l) => withBan(l, ban)), ctx);
    return { outcome: 'applied', results };
  }

  /** The customer's billing account: the operator's mapping, its metadata.ban, or (with an API key) Stripe's customer record. */
  async #banOf(sourceId: string, customerId: string, customer?: StripeCustomer): Promise<string | null> {
    const row = await repo.findCustomer(this.#k, sourceId, customerId);
    if (row?.ban) return row.ban;
    if (customer?.metadata) {
      await this.#recordCustomer(sourceId, customer);
      if (customer.metadata.ban) return customer.metadata.ban;
    }
    const s = await repo.findStripeSource(this.#k, sourceId);
    if (s?.api_key_sealed) {
      try {
        const c = (await this.#client(s).customers.retrieve(customerId)) as unknown as StripeCustomer;
        if (!c.deleted) {
          await this.#recordCustomer(sourceId, c);
          return c.metadata?.ban || null;
        }
      } catch {
        // Stripe unreachable or the customer gone: the record waits for a mapping
      }
    } else if (!row) {
      await repo.upsertCustomer(this.#k, { source_id: sourceId, customer_id: customerId, name: null, email: null, ban: null, origin: 'seen', updated_at: this.#now() });
    }
    return null;
  }

  /** Record a Stripe customer (its metadata.ban unless the operator mapped it); true when its BAN became known or changed. */
  async #recordCustomer(sourceId: string, c: StripeCustomer): Promise<boolean> {
    const row = await repo.findCustomer(this.#k, sourceId, c.id);
    const metaBan = c.metadata?.ban?.trim() || null;
    const operator = row?.origin === 'operator';
    const ban = operator ? row.ban : metaBan;
    await repo.upsertCustomer(this.#k, { source_id: sourceId, customer_id: c.id, name: c.name ?? null, email: c.email ?? null, ban, origin: operator ? 'operator' : metaBan ? 'metadata' : 'seen', updated_at: this.#now() });
    return !!ban && ban !== row?.ban;
  }

  async #customer(ctx: RequestContext, sourceId: string, c: StripeCustomer): Promise<LineResult[]> {
    const changed = await this.#recordCustomer(sourceId, c);
    return changed ? this.#release(ctx, sourceId, c.id) : [];
  }

  /** Apply what waited for a customer's billing account. */
  async #release(ctx: RequestContext, sourceId: string, customerId: string): Promise<LineResult[]> {
    const row = await repo.findCustomer(this.#k, sourceId, customerId);
    if (!row?.ban) return [];
    const waiting = await repo.waitingObjects(this.#k, sourceId, customerId);
    if (waiting.length === 0) return [];
    const lines = waiting.flatMap((o) => json<StripeLine[]>(o.line).map((l) => withBan(l, row.ban!)));
    const results = await this.#d.dataSources.applySyncLines(sourceId, lines, ctx);
    for (const o of waiting) await repo.upsertObject(this.#k, { ...o, waiting: 0, updated_at: this.#now() });
    return results;
  }

  async #refund(ctx: RequestContext, sourceId: string, refs: (string | null)[], refundedCents: number, atSec: number): Promise<Omit<WebhookResult, 'event_id' | 'type'>> {
    let inv: repo.StripeObjectRow | undefined;
    for (const ref of refs) {
      if (!ref) continue;
      inv = ref.startsWith('in_') ? await repo.findObject(this.#k, sourceId, ref) : await repo.findObjectByPaymentRef(this.#k, sourceId, ref);
      if (inv) break;
    }
    if (!inv) return { outcome: 'ignored', reason: 'The refund is for a payment of no invoice this source knows.', results: [] };
    const refunded = Math.max(inv.refunded_cents, refundedCents);
    const lines = json<StripeLine[]>(inv.line);
    const line = refundedInvoiceLine(lines[0], refunded, atSec);
    await repo.upsertObject(this.#k, { ...inv, refunded_cents: refunded, ...(line ? { line: JSON.stringify([line]), version: line.version } : {}), updated_at: this.#now() });
    if (!line) return { outcome: 'ignored', reason: 'A partial refund: the invoice stays paid.', results: [] };
    const ban = (await repo.findCustomer(this.#k, sourceId, inv.customer_id))?.ban;
    if (!ban || inv.waiting) return { outcome: 'waiting', reason: 'The invoice waits for its customer’s billing account.', results: [] };
    return { outcome: 'applied', results: await this.#d.dataSources.applySyncLines(sourceId, [withBan(line, ban)], ctx) };
  }

  // ---- the operator's mapping ----------------------------------------------------------------

  async customers(sourceId: string) {
    return asSystem(async () => {
      await this.#setup(sourceId);
      const [rows, waiting] = await Promise.all([repo.listCustomers(this.#k, sourceId, 1000), repo.countWaiting(this.#k, sourceId)]);
      return rows.map((r) => ({ customer_id: r.customer_id, name: r.name, email: r.email, ban: r.ban, origin: r.origin, waiting: waiting.get(r.customer_id) ?? 0 }));
    });
  }

  /** The operator maps a Stripe customer to a billing account (or clears the mapping, back to its metadata); what waited is applied. */
  async mapCustomer(ctx: RequestContext, sourceId: string, customerId: string, ban: string | null) {
    return asSystem(async () => {
      await this.#setup(sourceId);
      const row = await repo.findCustomer(this.#k, sourceId, customerId);
      await mutate(this.#d.db, async (trx) => {
        await repo.upsertCustomer(trx, { source_id: sourceId, customer_id: customerId, name: row?.name ?? null, email: row?.email ?? null, ban, origin: ban ? 'operator' : 'seen', updated_at: this.#now() });
        await this.#d.audit.record(trx, ctx, { action: 'data_source.stripe_customer_mapped', targetType: 'data_source', targetId: sourceId, details: { customer_id: customerId, ban } });
      });
      const results = ban ? await this.#release(ctx, sourceId, customerId) : [];
      return { customer_id: customerId, ban, results };
    });
  }

  // ---- backfill ------------------------------------------------------------------------------

  /**
   * Page through Stripe's customers and invoices (and subscriptions, when the source sends services)
   * and apply them as one would their webhooks: what is already here comes back unchanged.
   */
  async backfill(ctx: RequestContext, sourceId: string) {
    return asSystem(async () => {
      const ds = await this.#d.dataSources.require(sourceId);
      const s = await this.#setup(sourceId);
      const stripe = this.#client(s);
      const counts = { pages: 0, customers: 0, invoices: 0, subscriptions: 0, lines: 0, applied: 0, unchanged: 0, held: 0, rejected: 0, waiting: 0 };
      const pending: Record<string, unknown>[] = [];
      const flush = async (force: boolean) => {
        if (pending.length === 0 || (!force && pending.length < CHUNK)) return;
        const results = await this.#d.dataSources.applySyncLines(ds, pending.splice(0), ctx);
        counts.lines += results.length;
        for (const r of results) counts[r.status]++;
      };
      const pages = async <T extends { id: string }>(list: (p: { limit: number; starting_after?: string }) => Promise<{ data: T[]; has_more: boolean }>, each: (o: T) => Promise<void>) => {
        let after: string | undefined;
        for (;;) {
          let page: { data: T[]; has_more: boolean };
          try {
            page = await list({ limit: PAGE, ...(after ? { starting_after: after } : {}) });
          } catch (e) {
            throw E.stripe_api_failed(`Stripe refused the listing: ${(e as Error).message.slice(0, 200)}`);
          }
          counts.pages++;
          for (const o of page.data) await each(o);
          if (!page.has_more || page.data.length === 0) break;
          after = page.data[page.data.length - 1].id;
        }
      };
      await pages(
        (p) => stripe.customers.list(p) as unknown as Promise<{ data: StripeCustomer[]; has_more: boolean }>,
        async (c) => {
          counts.customers++;
          await this.#recordCustomer(sourceId, c);
        },
      );
      const nowSec = Math.floor(this.#d.clock.now().getTime() / 1000);
      const take = async (objectId: string, customerId: string, lines: StripeLine[], refs: string[]) => {
        const prev = await repo.findObject(this.#k, sourceId, objectId);
        const ban = (await repo.findCustomer(this.#k, sourceId, customerId))?.ban ?? null;
        if (!prev || Number(prev.version) <= lines[0].version) {
          await repo.upsertObject(this.#k, { source_id: sourceId, object_id: objectId, customer_id: customerId, line: JSON.stringify(lines), version: lines[0].version, payment_refs: JSON.stringify([...new Set([...(prev ? json<string[]>(prev.payment_refs) : []), ...refs])]), refunded_cents: prev?.refunded_cents ?? 0, waiting: ban ? 0 : 1, updated_at: this.#now() });
        }
        if (!ban) {
          counts.waiting++;
          return;
        }
        pending.push(...lines.map((l) => withBan(l, ban)));
        await flush(false);
      };
      await pages(
        (p) => stripe.invoices.list(p) as unknown as Promise<{ data: StripeInvoice[]; has_more: boolean }>,
        async (inv) => {
          const lines = invoiceLines(inv, nowSec);
          if (lines.length === 0) return;
          counts.invoices++;
          await take(inv.id, idOf(inv.customer)!, lines, paymentRefs(inv));
        },
      );
      if (json<string[]>(ds.kinds).includes('services')) {
        await pages(
          (p) => stripe.subscriptions.list({ ...p, status: 'all' }) as unknown as Promise<{ data: StripeSubscription[]; has_more: boolean }>,
          async (sub) => {
            counts.subscriptions++;
            await take(sub.id, idOf(sub.customer)!, [subscriptionLine(sub, sub.created)], []);
          },
        );
      }
      await flush(true);
      await mutate(this.#d.db, async (trx) => {
        await repo.touchStripeSource(trx, sourceId, { last_backfill_at: this.#now() });
        await this.#d.audit.record(trx, ctx, { action: 'data_source.stripe_backfilled', targetType: 'data_source', targetId: sourceId, details: counts });
      });
      return counts;
    });
  }
}
