/**
 * Audit that leaves the building: each organization's audit events streamed to its security
 * team's tools (a signed webhook, syslog over TLS, OTLP logs over HTTP), at least once and in
 * chain order (auditstream-worker.ts), and exported by time range with the hash-chain proof.
 * An organization manages only its own destinations and reads only its own events: the routes
 * name the organization from the caller's session, and a destination of another organization
 * answers 404 like a missing one. Secrets are encrypted with the installation secret (they must
 * be read back to sign or send), never returned after creation and never logged. Every change to
 * a destination is audited in its transaction.
 */
import { X509Certificate } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import { decryptWithSecret, encryptWithSecret } from '../../platform/crypto.ts';
import { mutate, type Db } from '../../platform/db/database.ts';
import { asSystem } from '../../platform/db/db-context.ts';
import { newId } from '../../platform/ids.ts';
import { systemContext, type RequestContext } from '../../platform/http/request-context.ts';
import { OutboundClient, refuseUrl } from '../../platform/outbound/outbound-http.ts';
import { newWebhookSecret } from '../../platform/outbound/webhook-signature.ts';
import { chainHeadSeq, findRetention, GENESIS_HASH, orgBacklog, orgEventsAfter, orgLinkBefore, sweepExpired, upsertRetention, type AuditLog, type RetentionRow } from '../audit/index.ts';
import { toWireEvents, type StreamOrg, type WireEvent } from './audit-wire.ts';
import { refusePlainHttp, refuseSyslogAddress, sendBatch, type SendResult } from './audit-senders.ts';
import { AuditStreamWorker } from './auditstream-worker.ts';
import { auditStreamErrors as E } from './auditstream.errors.ts';
import * as repo from './auditstream.repo.ts';
import { problemDetails as PD } from './auditstream.problem-details.ts';

export type { DestinationRow } from './auditstream.repo.ts';

export interface AuditStreamDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  secretKey: string;
  allowPrivateTargets: boolean;
  timeoutMs: number;
  /** the HOSTNAME field of syslog messages (the public URL's host) */
  hostname: string;
  onError: (err: unknown, what: string) => void;
}

export interface NewDestination {
  kind: 'webhook' | 'syslog' | 'otlp';
  name: string;
  address: string;
  ca_pem?: string;
  /** OTLP: the Authorization header value the collector expects */
  authorization?: string;
}

export interface ExportPage {
  organization: StreamOrg;
  /** the hash the first event's org_prev_hash must equal (the organization's event before the page) */
  prev_hash: string;
  events: WireEvent[];
  /** the last event's hash: the next page's prev_hash */
  last_hash: string;
  next_cursor: string | null;
}

const EXPORT_MAX = 1000;

function toRetentionDto(r: RetentionRow | undefined) {
  return {
    days: r && r.days > 0 ? r.days : null,
    checkpoint_seq: r?.checkpoint_seq == null ? null : Number(r.checkpoint_seq),
    checkpoint_hash: r?.checkpoint_hash ?? null,
    deleted_count: Number(r?.deleted_count ?? 0),
    swept_at: r?.swept_at ?? null,
  };
}

const ownerId = (org: StreamOrg) => (org.type === 'platform' ? '' : org.id);
const orgRef = (org: StreamOrg) => (org.type === 'tenant' ? { tenantId: org.id } : org.type === 'partner' ? { partnerId: org.id } : {});

export class AuditStreamService {
  readonly #d: AuditStreamDeps;
  readonly outbound: OutboundClient;
  readonly worker: AuditStreamWorker;

  constructor(d: AuditStreamDeps) {
    this.#d = d;
    this.outbound = new OutboundClient({ allowPrivate: d.allowPrivateTargets, timeoutMs: d.timeoutMs, maxResponseBytes: 4096 });
    this.worker = new AuditStreamWorker({ db: d.db, clock: d.clock, outbound: this.outbound, secretKey: d.secretKey, hostname: d.hostname, onError: d.onError });
  }

  #sweepTimer: NodeJS.Timeout | null = null;
  #sweeping: Promise<unknown> = Promise.resolve();

  /** The delivery loop every `intervalMs`, and the retention sweep every `sweepMs`. */
  start(intervalMs: number, sweepMs = 3600_000): void {
    this.worker.start(intervalMs);
    if (this.#sweepTimer || sweepMs <= 0 || intervalMs <= 0) return;
    this.#sweepTimer = setInterval(() => {
      this.#sweeping = this.sweep().catch((e) => this.#d.onError(e, 'audit retention sweep'));
    }, sweepMs);
    this.#sweepTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.#sweepTimer) clearInterval(this.#sweepTimer);
    this.#sweepTimer = null;
    await this.#sweeping;
    await this.worker.stop();
  }

  // ---- retention --------------------------------------------------------------------------

  async retention(org: StreamOrg) {
    return toRetentionDto(await asSystem(() => findRetention(this.#d.db.kysely, org)));
  }

  async setRetention(ctx: RequestContext, org: StreamOrg, days: number | null) {
    const before = await asSystem(() => findRetention(this.#d.db.kysely, org));
    await asSystem(() =>
      mutate(this.#d.db, async (trx) => {
        await upsertRetention(trx, org, days, ctx.actor.userId, this.#d.clock.now().toISOString());
        await this.#d.audit.record(trx, ctx, { action: 'audit.retention_changed', ...orgRef(org), details: { days, previous_days: before && before.days > 0 ? before.days : null } });
      }),
    );
    return this.retention(org);
  }

  /**
   * Delete the events every organization they belong to has let expire (audit-retention.repo.ts),
   * and record, for each organization, how many of its events went.
   */
  async sweep(): Promise<number> {
    const r = await asSystem(() => sweepExpired(this.#d.db, this.#d.clock.now()));
    if (r.deleted === 0) return 0;
    const ctx = systemContext('audit-retention');
    await asSystem(() =>
      mutate(this.#d.db, async (trx) => {
        for (const [o, n] of r.byOrg) {
          const [type, id] = o.split(':');
          const ref = type === 'tenant' ? { tenantId: id } : type === 'partner' ? { partnerId: id } : {};
          await this.#d.audit.record(trx, ctx, { action: 'audit.retention_swept', ...ref, details: { deleted: n } });
        }
      }),
    );
    return r.deleted;
  }

  list(org: StreamOrg): Promise<repo.DestinationRow[]> {
    return repo.listDestinationsByOwner(this.#d.db.kysely, org.type, ownerId(org));
  }

  async get(org: StreamOrg, id: string): Promise<repo.DestinationRow> {
    const d = await repo.findDestinationById(this.#d.db.kysely, id);
    if (!d || d.owner_type !== org.type || d.owner_id !== ownerId(org)) throw E.audit_destination_not_found();
    return d;
  }

  /** How many of the organization's events wait for this destination. */
  backlog(org: StreamOrg, d: repo.DestinationRow): Promise<number> {
    return asSystem(() => orgBacklog(this.#d.db.kysely, org, Number(d.cursor_seq)));
  }

  #checkAddress(input: Pick<NewDestination, 'kind' | 'address'>): void {
    const refused = input.kind === 'syslog' ? refuseSyslogAddress(input.address, this.#d.allowPrivateTargets) : (refuseUrl(input.address, this.#d.allowPrivateTargets)?.detail ?? refusePlainHttp(input.address, this.#d.allowPrivateTargets));
    if (refused) throw E.audit_destination_address_not_allowed(`${refused}.`, { fields: [{ pointer: '/body/address', detail: refused }] });
  }

  #checkCa(pem: string | undefined): string | null {
    if (!pem?.trim()) return null;
    try {
      new X509Certificate(pem);
    } catch {
      throw E.audit_destination_ca_invalid(PD.pasteCertificatePemForm, { fields: [{ pointer: '/body/ca_pem', detail: 'not a PEM certificate' }] });
    }
    return pem.trim();
  }

  /**
   * Add a destination; it gets the events from now on (the export covers what came before). A
   * webhook's signing secret is made here and returned this once.
   */
  async create(ctx: RequestContext, org: StreamOrg, input: NewDestination): Promise<{ destination: repo.DestinationRow; secret: string | null }> {
    this.#checkAddress(input);
    const ca = input.kind === 'syslog' ? this.#checkCa(input.ca_pem) : null;
    if (input.authorization !== undefined && /[\r\n]/.test(input.authorization)) throw E.audit_destination_secret_invalid(PD.headerValueOneLine, { fields: [{ pointer: '/body/authorization', detail: 'one line' }] });
    const secret = input.kind === 'webhook' ? newWebhookSecret() : input.kind === 'otlp' && input.authorization ? input.authorization : null;
    const now = this.#d.clock.now().toISOString();
    const id = newId('ads');
    await asSystem(() =>
      mutate(this.#d.db, async (trx) => {
        const head = await chainHeadSeq(trx);
        const link = await orgLinkBefore(trx, org, head + 1);
        await repo.insertDestination(trx, {
          id,
          owner_type: org.type,
          owner_id: ownerId(org),
          kind: input.kind,
          name: input.name,
          address: input.address.trim(),
          ca_pem: ca,
          secret_enc: secret ? encryptWithSecret(this.#d.secretKey, secret) : null,
          status: 'active',
          cursor_seq: head,
          cursor_hash: link,
          failures: 0,
          next_attempt_at: now,
          delivered_count: 0,
          created_by: ctx.actor.userId,
          created_at: now,
          updated_at: now,
        });
        await this.#d.audit.record(trx, ctx, { action: 'audit_stream.created', ...orgRef(org), targetType: 'audit_stream', targetId: id, details: { name: input.name, kind: input.kind, address: input.address, ca_pinned: ca !== null } });
      }),
    );
    this.worker.wake();
    return { destination: await this.get(org, id), secret: input.kind === 'webhook' ? secret : null };
  }

  /** Rename, or pause and resume (a paused destination keeps its place; resuming sends what it missed, in order). */
  async update(ctx: RequestContext, org: StreamOrg, id: string, patch: { name?: string; status?: 'active' | 'paused' }): Promise<repo.DestinationRow> {
    const d = await this.get(org, id);
    const now = this.#d.clock.now().toISOString();
    const changes: repo.DestinationPatch = { updated_at: now };
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.status !== undefined && patch.status !== d.status) {
      changes.status = patch.status;
      if (patch.status === 'active') Object.assign(changes, { next_attempt_at: now, failures: 0, locked_until: null });
    }
    const action = changes.status === 'paused' ? 'audit_stream.paused' : changes.status === 'active' ? 'audit_stream.resumed' : 'audit_stream.updated';
    await asSystem(() =>
      mutate(this.#d.db, async (trx) => {
        await repo.updateDestination(trx, id, changes);
        await this.#d.audit.record(trx, ctx, { action, ...orgRef(org), targetType: 'audit_stream', targetId: id, details: { name: changes.name ?? d.name, ...(changes.name !== undefined ? { renamed_from: d.name } : {}) } });
      }),
    );
    if (changes.status === 'active') this.worker.wake();
    return this.get(org, id);
  }

  async remove(ctx: RequestContext, org: StreamOrg, id: string): Promise<void> {
    const d = await this.get(org, id);
    await asSystem(() =>
      mutate(this.#d.db, async (trx) => {
        await repo.deleteDestination(trx, id);
        await this.#d.audit.record(trx, ctx, { action: 'audit_stream.deleted', ...orgRef(org), targetType: 'audit_stream', targetId: id, details: { name: d.name, kind: d.kind, address: d.address } });
      }),
    );
  }

  /**
   * Send one test event now, outside the chain (chain_seq 0, its hashes zero) and outside the
   * cursor: it proves the address, the certificate and the signature, and moves nothing.
   */
  async sendTest(ctx: RequestContext, org: StreamOrg, id: string): Promise<SendResult> {
    const d = await this.get(org, id);
    const now = this.#d.clock.now();
    const test: WireEvent = {
      chain_seq: 0,
      id: newId('evt', now.getTime()),
      occurred_at: now.toISOString(),
      actor_type: 'system',
      actor_user_id: null,
      actor_partner_id: null,
      actor_client_id: null,
      partner_agency_id: null,
      tenant_id: org.type === 'tenant' ? org.id : null,
      partner_id: org.type === 'partner' ? org.id : null,
      ban: null,
      action: 'audit_stream.test',
      target_type: 'audit_stream',
      target_id: d.id,
      outcome: 'success',
      request_id: ctx.requestId,
      ip: null,
      user_agent: null,
      details: JSON.stringify({ test: true, note: 'A test event from Partnergate: not part of the audit chain.' }),
      prev_hash: GENESIS_HASH,
      hash: GENESIS_HASH,
      org_prev_hash: GENESIS_HASH,
      redacted: false,
    };
    const secret = d.secret_enc ? decryptWithSecret(this.#d.secretKey, d.secret_enc) : null;
    const r = await sendBatch({ kind: d.kind, id: `${d.id}_test`, address: d.address, caPem: d.ca_pem, secret }, org, [test], { outbound: this.outbound, hostname: this.#d.hostname, now });
    await asSystem(() =>
      mutate(this.#d.db, (trx) =>
        this.#d.audit.record(trx, ctx, { action: 'audit_stream.tested', ...orgRef(org), targetType: 'audit_stream', targetId: d.id, outcome: r.ok ? 'success' : 'failure', details: { name: d.name, ...(r.ok ? {} : { error: r.error }) } }),
      ),
    );
    return r;
  }

  /**
   * A page of the organization's events from `since` (inclusive) to `until` (exclusive): a run of
   * its chain in chain order, after chain position `cursor` when continuing. The page carries
   * the proof — the hash of the organization's event before it, and each event's hash and link —
   * so a recipient can recompute every hash and see that no event is missing between them.
   */
  async exportPage(ctx: RequestContext, org: StreamOrg, q: { since: string; until: string; cursor?: number; limit: number }): Promise<ExportPage> {
    if (!(Date.parse(q.since) < Date.parse(q.until))) throw E.audit_export_range_invalid(PD.sinceMustBeforeUntil, { fields: [{ pointer: '/querystring/since', detail: 'before until' }] });
    const limit = Math.min(q.limit, EXPORT_MAX);
    const since = new Date(q.since).toISOString();
    const until = new Date(q.until).toISOString();
    const page = await asSystem(async () => {
      const rows = await orgEventsAfter(this.#d.db.kysely, org, q.cursor ?? 0, limit + 1, since);
      const inRange = [];
      for (const r of rows) {
        if (r.occurred_at >= until) break;
        inRange.push(r);
      }
      const more = inRange.length > limit;
      const kept = inRange.slice(0, limit);
      const link = kept.length > 0 ? await orgLinkBefore(this.#d.db.kysely, org, kept[0].chain_seq) : GENESIS_HASH;
      return { kept, more, link };
    });
    const events = toWireEvents(page.kept, org, page.link);
    if (q.cursor === undefined) {
      await asSystem(() => mutate(this.#d.db, (trx) => this.#d.audit.record(trx, ctx, { action: 'audit.exported', ...orgRef(org), details: { since, until } })));
    }
    return {
      organization: org,
      prev_hash: page.link,
      events,
      last_hash: events.length > 0 ? events[events.length - 1].hash : page.link,
      next_cursor: page.more ? String(page.kept[page.kept.length - 1].chain_seq) : null,
    };
  }
}

