/**
 * Stripe as a billing source. A data source set up for Stripe keeps its webhook signing secret and
 * API key sealed with the installation's secret (they must be used, so not hashed; never returned).
 * Webhook events are checked with Stripe's own library (`webhooks.constructEvent` on the raw body),
 * mapped to sync lines (stripe-map.ts) and applied through the data sources' applier — the same
 * rules as the sync API: idempotent by external id and version, held lines for unknown billing
 * accounts, the source's kinds and scope, one audited batch per event.
 *
 * Stripe's API versions: events are accepted from STRIPE_OLDEST_API_VERSION to the version the bundled
 * library speaks (Stripe.API_VERSION), in both the shape before 2025-03-31 (an invoice names its charge
 * and payment intent, a charge its invoice) and the current one (neither: an invoice's payments are
 * InvoicePayment objects). A refund or dispute finds its invoice by the charge or payment intent the
 * invoice was paid with — known from the invoice (old shape), an `invoice_payment.paid` event, or asked
 * of Stripe's invoice payments with the source's API key (current shape). Refunds in part, credit notes
 * and lost disputes reduce the invoice by what they take back (stripe-credits.ts).
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
import { refuseApiVersion, STRIPE_NEWEST_API_VERSION, STRIPE_OLDEST_API_VERSION, STRIPE_WEBHOOK_EVENTS } from './stripe-versions.ts';
import type { EventOutcome, StripeCustomer, StripeSetup, WebhookResult } from './stripe-feed.types.ts';
import { dataFeedErrors as E } from './datafeeds.errors.ts';
import * as repo from './datafeeds.repo.ts';
import { adjustmentVersion, creditedCents, creditedLines, readAdjustments, withChange, type AdjustmentChange, type Adjustments } from './stripe-credits.ts';
import { idOf, invoiceLines, paymentRefs, subscriptionLine, withBan, type StripeCharge, type StripeCreditNote, type StripeDispute, type StripeInvoice, type StripeInvoicePayment, type StripeLine, type StripeRefund, type StripeSubscription } from './stripe-map.ts';

export { refuseApiVersion, STRIPE_NEWEST_API_VERSION, STRIPE_OLDEST_API_VERSION, STRIPE_WEBHOOK_EVENTS };
export type { EventOutcome, StripeSetup, WebhookResult };

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
      // refused, not recorded: Stripe delivers it again, and it is read once the endpoint's version is one read here
      const version = refuseApiVersion(event.api_version);
      if (version) throw E.stripe_api_version_unsupported(version);
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
    if (type === 'invoice_payment.paid') return this.#invoicePayment(ds.id, obj as StripeInvoicePayment);
    if (type === 'charge.refunded') {
      const c = obj as StripeCharge;
      const at = Math.max(event.created, ...(c.refunds?.data ?? []).map((r) => r.created));
      // before 2025-03-31 the charge names its invoice; since, only its payment intent does
      return this.#adjust(ctx, ds.id, { invoice: idOf(c.invoice), refs: [c.id, idOf(c.payment_intent)] }, { kind: 'charge', id: idOf(c.payment_intent) ?? c.id, cents: c.amount_refunded }, at);
    }
    if (type === 'refund.created' || type === 'refund.updated' || type === 'refund.failed' || type === 'charge.refund.updated') {
      const r = obj as StripeRefund;
      if (r.status && !['succeeded', 'failed', 'canceled'].includes(r.status)) return { outcome: 'ignored', reason: `The refund is ${r.status}: it counts once it succeeded.`, results: [] };
      const charge = idOf(r.payment_intent) ?? idOf(r.charge);
      return this.#adjust(ctx, ds.id, { invoice: null, refs: [idOf(r.charge), idOf(r.payment_intent)] }, { kind: 'refund', id: r.id, charge, cents: r.status === 'failed' || r.status === 'canceled' ? 0 : r.amount }, Math.max(event.created, r.created));
    }
    if (type === 'charge.dispute.closed') {
      const d = obj as StripeDispute;
      // lost: the amount is gone; won (or closed with a warning): nothing is
      return this.#adjust(ctx, ds.id, { invoice: null, refs: [idOf(d.charge), idOf(d.payment_intent)] }, { kind: 'dispute', id: d.id, cents: d.status === 'lost' ? d.amount : 0 }, event.created);
    }
    if (type.startsWith('charge.dispute.')) return { outcome: 'ignored', reason: 'A dispute counts when it is closed: lost, its amount is taken back of the invoice.', results: [] };
    if (type === 'credit_note.created' || type === 'credit_note.updated' || type === 'credit_note.voided') {
      const n = obj as StripeCreditNote;
      const issued = n.status !== 'void';
      // since 2025-03-31 the refunds it made come with their amounts; before, its one refund is the part not paid out of band
      const refunded = n.refunds ? n.refunds.reduce((sum, r) => sum + r.amount_refunded, 0) : n.refund ? n.total - (n.out_of_band_amount ?? 0) : 0;
      return this.#adjust(ctx, ds.id, { invoice: idOf(n.invoice), refs: [] }, { kind: 'credit_note', id: n.id, cents: issued ? n.total : 0, refunded: issued ? refunded : 0 }, Math.max(event.created, n.created, n.voided_at ?? 0));
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
    // what was taken back of an invoice before this state of it arrived (a refund, a credit note) goes with it
    const adjustments = readAdjustments(prev?.adjustments);
    let sent = lines;
    if (prev && Number(prev.version) > version) {
      // an older state than the one kept: the applier will say unchanged; nothing to keep
      if (!ban) return { outcome: 'waiting', reason: 'The customer has no billing account yet; a newer state of this record already waits.', results: [] };
    } else {
      sent = withCredits(lines, adjustments, version);
      await repo.upsertObject(this.#k, {
        source_id: sourceId,
        object_id: objectId,
        customer_id: customerId,
        line: JSON.stringify(lines),
        version: sent[0].version,
        payment_refs: JSON.stringify([...new Set([...(prev ? json<string[]>(prev.payment_refs) : []), ...refs])]),
        refunded_cents: prev?.refunded_cents ?? 0,
        adjustments: JSON.stringify(adjustments),
        waiting: ban ? 0 : 1,
        updated_at: this.#now(),
      });
    }
    ban ??= null;
    if (!ban) return { outcome: 'waiting', reason: `Stripe customer ${customerId} has no billing account yet: set metadata.ban on the customer in Stripe, or map it on the source's page.`, results: [] };
    const results = await this.#d.dataSources.applySyncLines(sourceId, sent.map((l) => withBan(l, ban)), ctx);
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
    const lines = waiting.flatMap((o) => withCredits(json<StripeLine[]>(o.line), readAdjustments(o.adjustments), Number(o.version)).map((l) => withBan(l, row.ban!)));
    const results = await this.#d.dataSources.applySyncLines(sourceId, lines, ctx);
    for (const o of waiting) await repo.upsertObject(this.#k, { ...o, waiting: 0, updated_at: this.#now() });
    return results;
  }

  /**
   * A refund, credit note or dispute: the invoice it takes back from — named (a credit note, an old
   * charge), found by the charge or payment intent that paid it, or asked of Stripe — gets the change
   * in its record of what was taken back, and goes out again with its credited_cents.
   */
  async #adjust(ctx: RequestContext, sourceId: string, about: { invoice: string | null; refs: (string | null)[] }, change: AdjustmentChange, atSec: number): Promise<Omit<WebhookResult, 'event_id' | 'type'>> {
    const refs = [...new Set(about.refs.filter((r): r is string => !!r))];
    let inv = await this.#invoiceOf(ctx, sourceId, about.invoice, refs);
    if (!inv) {
      const s = await repo.findStripeSource(this.#k, sourceId);
      return { outcome: 'ignored', reason: s?.api_key_sealed ? 'Stripe names no invoice this payment paid.' : 'No invoice this source knows was paid by this payment: add the source’s API key (Partnergate then asks Stripe which invoice it paid), or send invoice_payment.paid events.', results: [] };
    }
    const adjustments = withChange(readAdjustments(inv.adjustments), change);
    const lines = json<StripeLine[]>(inv.line);
    // an invoice Stripe has not sent yet: what it was taken back of waits with it
    if (lines.length === 0) {
      await repo.upsertObject(this.#k, { ...inv, adjustments: JSON.stringify(adjustments), payment_refs: JSON.stringify([...new Set([...json<string[]>(inv.payment_refs), ...refs])]), updated_at: this.#now() });
      return { outcome: 'waiting', reason: 'The invoice has not arrived from Stripe yet; this is applied with it.', results: [] };
    }
    const total = Number(lines.find((l) => l.kind === 'invoice')?.data.total_cents ?? 0);
    const credited = creditedCents(adjustments, total);
    const sent = creditedLines(lines, credited, adjustmentVersion(atSec, Number(inv.version)));
    inv = { ...inv, adjustments: JSON.stringify(adjustments), refunded_cents: credited, version: sent[0].version, payment_refs: JSON.stringify([...new Set([...json<string[]>(inv.payment_refs), ...refs])]), updated_at: this.#now() };
    await repo.upsertObject(this.#k, inv);
    const ban = (await repo.findCustomer(this.#k, sourceId, inv.customer_id))?.ban;
    if (!ban || inv.waiting) return { outcome: 'waiting', reason: 'The invoice waits for its customer’s billing account.', results: [] };
    return { outcome: 'applied', results: await this.#d.dataSources.applySyncLines(sourceId, sent.filter((l) => l.kind === 'invoice').map((l) => withBan(l, ban)), ctx) };
  }

  /** The invoice of a refund, credit note or dispute, as kept here; with the source's API key, asked of Stripe when not. */
  async #invoiceOf(ctx: RequestContext, sourceId: string, invoiceId: string | null, refs: string[]): Promise<repo.StripeObjectRow | undefined> {
    if (invoiceId) {
      const known = await repo.findObject(this.#k, sourceId, invoiceId);
      if (known) return known;
    }
    for (const ref of refs) {
      const inv = await repo.findObjectByPaymentRef(this.#k, sourceId, ref);
      if (inv) return inv;
    }
    const s = await repo.findStripeSource(this.#k, sourceId);
    if (!s?.api_key_sealed) return invoiceId ? this.#stub(sourceId, invoiceId, refs) : undefined;
    const stripe = this.#client(s);
    let id = invoiceId;
    try {
      // since 2025-03-31 a payment intent finds its invoice through the invoice payments
      for (const pi of refs.filter((r) => r.startsWith('pi_'))) {
        if (id) break;
        const paid = await stripe.invoicePayments.list({ payment: { type: 'payment_intent', payment_intent: pi }, limit: 10 });
        id = paid.data.map((p) => idOf(p.invoice as string | { id: string })).find((x): x is string => !!x) ?? null;
      }
      if (!id) return undefined;
      const known = await repo.findObject(this.#k, sourceId, id);
      if (known) return known;
      // an invoice never sent here (its events came before the source was set up): read it, apply it
      const inv = (await stripe.invoices.retrieve(id)) as unknown as StripeInvoice;
      await this.#invoice(ctx, sourceId, inv);
      return (await repo.findObject(this.#k, sourceId, id)) ?? this.#stub(sourceId, id, refs);
    } catch (e) {
      throw E.stripe_api_failed(`Stripe did not say which invoice this payment paid: ${(e as Error).message.slice(0, 200)}`);
    }
  }

  /** A record for an invoice not arrived yet, holding what paid it and what was taken back of it until it does. */
  async #stub(sourceId: string, invoiceId: string, refs: string[]): Promise<repo.StripeObjectRow> {
    const prev = await repo.findObject(this.#k, sourceId, invoiceId);
    const row: repo.StripeObjectRow = prev ?? { source_id: sourceId, object_id: invoiceId, customer_id: '', line: '[]', version: 0, payment_refs: '[]', refunded_cents: 0, adjustments: '{}', waiting: 0, updated_at: this.#now() };
    const merged = { ...row, payment_refs: JSON.stringify([...new Set([...json<string[]>(row.payment_refs), ...refs])]) };
    await repo.upsertObject(this.#k, merged);
    return merged;
  }

  /** Since 2025-03-31: which payment paid an invoice, so a refund of it finds the invoice without asking Stripe. */
  async #invoicePayment(sourceId: string, p: StripeInvoicePayment): Promise<Omit<WebhookResult, 'event_id' | 'type'>> {
    const invoiceId = idOf(p.invoice);
    if (!invoiceId) return { outcome: 'ignored', reason: 'The invoice payment names no invoice.', results: [] };
    const refs = [idOf(p.payment.payment_intent), idOf(p.payment.charge)].filter((r): r is string => !!r);
    const known = await repo.findObject(this.#k, sourceId, invoiceId);
    if (!known) await this.#stub(sourceId, invoiceId, refs);
    else await repo.upsertObject(this.#k, { ...known, payment_refs: JSON.stringify([...new Set([...json<string[]>(known.payment_refs), ...refs])]), updated_at: this.#now() });
    return { outcome: 'ignored', reason: 'Recorded which payment paid the invoice; the invoice itself comes with its own events.', results: [] };
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
        const adjustments = readAdjustments(prev?.adjustments);
        const sent = withCredits(lines, adjustments, lines[0].version);
        if (!prev || Number(prev.version) <= lines[0].version) {
          await repo.upsertObject(this.#k, { source_id: sourceId, object_id: objectId, customer_id: customerId, line: JSON.stringify(lines), version: sent[0].version, payment_refs: JSON.stringify([...new Set([...(prev ? json<string[]>(prev.payment_refs) : []), ...refs])]), refunded_cents: prev?.refunded_cents ?? 0, adjustments: JSON.stringify(adjustments), waiting: ban ? 0 : 1, updated_at: this.#now() });
        }
        if (!ban) {
          counts.waiting++;
          return;
        }
        pending.push(...sent.map((l) => withBan(l, ban)));
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

/** An invoice's lines with what was taken back of it (nothing for a subscription's). */
function withCredits(lines: StripeLine[], a: Adjustments, version: number): StripeLine[] {
  const inv = lines.find((l) => l.kind === 'invoice');
  if (!inv) return lines;
  return creditedLines(lines, creditedCents(a, Number(inv.data.total_cents)), version);
}
