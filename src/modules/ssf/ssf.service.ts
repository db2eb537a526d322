/**
 * The Shared Signals transmitter: each partner app's stream (SSF 1.0 §8.1: its push receiver,
 * the events it asked for, its status), and the Security Event Tokens the audited changes become.
 *
 * The audit log's hook (AuditLog.onRecord) runs in the transaction of every audited change: the
 * changes a partner app must hear of (caep.ts) become SETs, signed and queued in that same
 * transaction — so a SET exists exactly when its change committed — and a change-feed record
 * wakes the delivery worker on every instance as soon as it commits.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import { encryptWithSecret } from '../../platform/crypto.ts';
import { mutateAndKick, type Db, type Tx } from '../../platform/db/database.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import { OutboundClient, refuseUrl } from '../../platform/outbound/outbound-http.ts';
import type { AuditEntry, AuditLog } from '../audit/index.ts';
import type { SigningKeys } from '../oauth/index.ts';
import { CAEP_EVENTS, PUSH_DELIVERY, SSF_VERIFICATION, setClaims, signalsFor, type Lookups, type SubjectId } from './caep.ts';
import { ssfErrors as E } from './ssf.errors.ts';
import type { StreamConfig } from './ssf.schemas.ts';
import type { Static } from 'typebox';
import * as repo from './ssf.repo.ts';
import { SetSigner } from './ssf-signer.ts';
import { SsfWorker } from './ssf-worker.ts';

export type { DeliveryRow, StreamRow } from './ssf.repo.ts';

/** The change-feed entity that wakes the delivery worker. */
export const SSF_DELIVERY_ENTITY = 'ssf_delivery';

export interface SsfDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  feed: ChangeFeed;
  keys: () => SigningKeys;
  /** the transmitter's issuer: the public URL (its metadata is at /.well-known/ssf-configuration) */
  issuer: string;
  lookups: Lookups;
  secretKey: string;
  allowPrivateTargets: boolean;
  timeoutMs: number;
  onError: (err: unknown, what: string) => void;
}

export interface StreamInput {
  endpoint_url: string;
  authorization_header?: string | null;
  events_requested?: string[];
  description?: string | null;
}

export interface AppRef {
  appId: string;
  partnerId: string;
}

export class SsfService {
  readonly #d: SsfDeps;
  readonly signer: SetSigner;
  readonly outbound: OutboundClient;
  readonly worker: SsfWorker;
  #unsubscribe: (() => void) | null = null;

  constructor(d: SsfDeps) {
    this.#d = d;
    this.signer = new SetSigner(d.keys);
    this.outbound = new OutboundClient({ allowPrivate: d.allowPrivateTargets, timeoutMs: d.timeoutMs, maxResponseBytes: 16 * 1024 });
    this.worker = new SsfWorker({ db: d.db, clock: d.clock, outbound: this.outbound, secretKey: d.secretKey, onError: d.onError });
    d.audit.onRecord((trx, ctx, entry) => this.onAudit(trx, ctx, entry));
  }

  get issuer(): string {
    return this.#d.issuer;
  }

  /** Wake the worker when a SET commits (any instance), and retry due ones every `intervalMs`. */
  start(intervalMs: number): void {
    this.#unsubscribe ??= this.#d.feed.subscribe((events) => {
      if (events.some((e) => e.entity === SSF_DELIVERY_ENTITY)) this.worker.wake();
    });
    this.worker.start(intervalMs);
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    await this.worker.stop();
    await this.outbound.close();
  }

  // ---- from audited changes ------------------------------------------------------------------

  async onAudit(trx: Tx, ctx: RequestContext, entry: AuditEntry): Promise<void> {
    const now = this.#d.clock.now();
    const signals = signalsFor(entry, Math.floor(now.getTime() / 1000), this.#d.lookups);
    for (const s of signals) {
      const streams = (await repo.receivingStreams(trx, s.to)).filter((x) => (JSON.parse(x.events_requested) as string[]).includes(s.event));
      for (const stream of streams) await this.#queue(trx, stream, { event: s.event, subId: s.subId, members: s.members, txn: ctx.requestId, now });
    }
  }

  async #queue(trx: Tx, stream: repo.StreamRow, e: { event: string; subId: SubjectId | Record<string, unknown>; members: Record<string, unknown>; txn: string; now: Date; dedupe?: string }): Promise<string | null> {
    const jti = randomUUID();
    const jwt = await this.signer.sign(setClaims({ iss: this.#d.issuer, aud: stream.app_id, jti, iat: Math.floor(e.now.getTime() / 1000), txn: e.txn, event: e.event, subId: e.subId, members: e.members }));
    const dedupe = e.dedupe ?? createHash('sha256').update(`${e.event}\n${JSON.stringify(e.subId)}\n${e.txn}`).digest('base64url');
    const id = newId('ssd');
    const nowIso = e.now.toISOString();
    const [inserted] = await repo.insertDeliveries(trx, [
      { id, stream_id: stream.id, jti, event_type: e.event, subject: JSON.stringify(e.subId), dedupe_key: dedupe, set_jwt: jwt, status: 'pending', attempts: 0, next_attempt_at: nowIso, locked_until: null, last_status_code: null, last_error: null, created_at: nowIso, completed_at: null },
    ]);
    if (inserted) await this.#d.feed.record(trx, SSF_DELIVERY_ENTITY, inserted);
    return inserted ?? null;
  }

  // ---- streams -------------------------------------------------------------------------------

  #checkUrl(url: string, pointer: string): void {
    const refused = refuseUrl(url, this.#d.allowPrivateTargets);
    if (refused) throw E.ssf_receiver_url_not_allowed(`${refused.detail}.`, { fields: [{ pointer, detail: refused.detail }] });
  }

  /**
   * The receiver's events_requested as it sent them (SSF 1.0 §8.1.1: "A Transmitter MUST ignore any
   * array values that it does not understand"): kept, so a read gives back what was asked, while only
   * the events this transmitter sends are delivered (events_delivered). Without it: every event sent.
   */
  #requestedEvents(events: string[] | undefined): string[] {
    return [...new Set(events ?? CAEP_EVENTS)];
  }

  /**
   * SSF 1.0 §8.1.1.3–4: a receiver may send Transmitter-Supplied properties back (a configuration it
   * read and changed); each must match what this transmitter says, events_delivered before the change.
   */
  checkTransmitterValues(s: repo.StreamRow, given: Partial<Record<'iss' | 'aud' | 'events_supported' | 'events_delivered' | 'min_verification_interval', unknown>>): void {
    const now = this.toStreamConfig(s);
    const same = (a: unknown, b: unknown) => (Array.isArray(a) && Array.isArray(b) ? a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n') : JSON.stringify(a) === JSON.stringify(b));
    for (const key of ['iss', 'aud', 'events_supported', 'events_delivered', 'min_verification_interval'] as const) {
      if (given[key] !== undefined && !same(given[key], now[key])) throw E.ssf_transmitter_value_mismatch(`${key} is set by this transmitter: ${JSON.stringify(now[key])}.`, { fields: [{ pointer: `/body/${key}`, detail: 'does not match the transmitter’s value' }] });
    }
  }

  findStream(appId: string): Promise<repo.StreamRow | undefined> {
    return repo.findStreamByApp(this.#d.db.kysely, appId);
  }

  async getStream(app: AppRef): Promise<repo.StreamRow> {
    const s = await this.findStream(app.appId);
    if (!s || s.partner_id !== app.partnerId) throw E.ssf_stream_not_found();
    return s;
  }

  async createStream(ctx: RequestContext, app: AppRef, input: StreamInput, pointer = '/body'): Promise<repo.StreamRow> {
    this.#checkUrl(input.endpoint_url, `${pointer}/endpoint_url`);
    const events = this.#requestedEvents(input.events_requested);
    const now = this.#d.clock.now().toISOString();
    return mutateAndKick(this.#d.db, this.#d.feed, async (trx) => {
      if (await repo.findStreamByApp(trx, app.appId)) throw E.ssf_stream_exists();
      const row: repo.StreamRow = {
        id: newId('sst'),
        app_id: app.appId,
        partner_id: app.partnerId,
        endpoint_url: input.endpoint_url,
        authorization_header_sealed: input.authorization_header ? encryptWithSecret(this.#d.secretKey, input.authorization_header) : null,
        events_requested: JSON.stringify(events),
        description: input.description ?? null,
        status: 'enabled',
        status_reason: null,
        created_by: ctx.actor.userId,
        created_at: now,
        updated_at: now,
      };
      await repo.insertStream(trx, row);
      await this.#d.audit.record(trx, ctx, { action: 'ssf.stream_created', partnerId: app.partnerId, targetType: 'app', targetId: app.appId, details: { endpoint_url: input.endpoint_url, events } });
      return row;
    });
  }

  /** Change a stream: only the fields given (PATCH), or all of them (PUT: `replace`). */
  async updateStream(ctx: RequestContext, app: AppRef, input: Partial<StreamInput>, replace = false): Promise<repo.StreamRow> {
    if (input.endpoint_url !== undefined) this.#checkUrl(input.endpoint_url, '/body/endpoint_url');
    const events = input.events_requested !== undefined || replace ? this.#requestedEvents(input.events_requested) : undefined;
    return mutateAndKick(this.#d.db, this.#d.feed, async (trx) => {
      const s = await repo.findStreamByApp(trx, app.appId);
      if (!s || s.partner_id !== app.partnerId) throw E.ssf_stream_not_found();
      const patch: Partial<repo.StreamRow> = { updated_at: this.#d.clock.now().toISOString() };
      if (input.endpoint_url !== undefined) patch.endpoint_url = input.endpoint_url;
      if (events) patch.events_requested = JSON.stringify(events);
      if (input.description !== undefined || replace) patch.description = input.description ?? null;
      if (input.authorization_header !== undefined || replace) patch.authorization_header_sealed = input.authorization_header ? encryptWithSecret(this.#d.secretKey, input.authorization_header) : null;
      await repo.updateStream(trx, s.id, patch);
      const changed = Object.keys(patch).filter((k) => k !== 'updated_at').map((k) => (k === 'authorization_header_sealed' ? 'authorization_header' : k));
      await this.#d.audit.record(trx, ctx, { action: 'ssf.stream_updated', partnerId: app.partnerId, targetType: 'app', targetId: app.appId, details: { fields: changed } });
      return { ...s, ...patch };
    });
  }

  async deleteStream(ctx: RequestContext, app: AppRef): Promise<void> {
    await mutateAndKick(this.#d.db, this.#d.feed, async (trx) => {
      const s = await repo.findStreamByApp(trx, app.appId);
      if (!s || s.partner_id !== app.partnerId) throw E.ssf_stream_not_found();
      await repo.deleteStream(trx, s.id);
      await this.#d.audit.record(trx, ctx, { action: 'ssf.stream_deleted', partnerId: app.partnerId, targetType: 'app', targetId: app.appId, details: { endpoint_url: s.endpoint_url } });
    });
  }

  /** SSF 1.0 §8.1.2: enabled, paused (SETs are kept and sent when enabled again) or disabled (none are queued). */
  async setStatus(ctx: RequestContext, app: AppRef, status: repo.StreamRow['status'], reason: string | null): Promise<repo.StreamRow> {
    return mutateAndKick(this.#d.db, this.#d.feed, async (trx) => {
      const s = await repo.findStreamByApp(trx, app.appId);
      if (!s || s.partner_id !== app.partnerId) throw E.ssf_stream_not_found();
      const patch = { status, status_reason: reason, updated_at: this.#d.clock.now().toISOString() };
      await repo.updateStream(trx, s.id, patch);
      await this.#d.audit.record(trx, ctx, { action: 'ssf.stream_status_changed', partnerId: app.partnerId, targetType: 'app', targetId: app.appId, details: { from: s.status, to: status, reason } });
      if (status === 'enabled') await this.#d.feed.record(trx, SSF_DELIVERY_ENTITY, s.id);
      return { ...s, ...patch };
    });
  }

  /** SSF 1.0 §8.1.4: queue a verification event (with the receiver's `state`, if any) and push it at once. */
  async verify(ctx: RequestContext, app: AppRef, state: string | null): Promise<string> {
    const id = await mutateAndKick(this.#d.db, this.#d.feed, async (trx) => {
      const s = await repo.findStreamByApp(trx, app.appId);
      if (!s || s.partner_id !== app.partnerId) throw E.ssf_stream_not_found();
      // a paused stream keeps what is queued and sends it once enabled (§8.1.2), the test event too
      if (s.status === 'disabled') throw E.ssf_stream_disabled('The stream is disabled; enable it to receive the test event.');
      const now = this.#d.clock.now();
      const jti = randomUUID();
      const queued = await this.#queue(trx, s, { event: SSF_VERIFICATION, subId: { format: 'opaque', id: s.id }, members: state ? { state } : {}, txn: ctx.requestId, now, dedupe: jti });
      await this.#d.audit.record(trx, ctx, { action: 'ssf.verification_requested', partnerId: app.partnerId, targetType: 'app', targetId: app.appId });
      return queued!;
    });
    return id;
  }

  listDeliveries(streamId: string, limit = 20): Promise<repo.DeliveryRow[]> {
    return repo.listDeliveries(this.#d.db.kysely, streamId, limit);
  }

  /** SSF 1.0 §8.1.1: the stream configuration a receiver reads. */
  toStreamConfig(s: repo.StreamRow): Static<typeof StreamConfig> {
    return {
      stream_id: s.id,
      iss: this.#d.issuer,
      aud: s.app_id,
      // the receiver's authorization header is never sent back
      delivery: { method: PUSH_DELIVERY, endpoint_url: s.endpoint_url },
      events_supported: [...CAEP_EVENTS],
      events_requested: JSON.parse(s.events_requested) as string[],
      events_delivered: deliveredEvents(s),
      ...(s.description ? { description: s.description } : {}),
      min_verification_interval: 0,
    };
  }
}

/** What a stream is sent: the events it asked for that this transmitter sends (SSF 1.0 §8.1.1 events_delivered). */
export function deliveredEvents(s: Pick<repo.StreamRow, 'events_requested'>): string[] {
  return (JSON.parse(s.events_requested) as string[]).filter((e) => (CAEP_EVENTS as readonly string[]).includes(e));
}
