/**
 * CIBA (OpenID Client-Initiated Backchannel Authentication Core 1.0) on the provider: a partner
 * app asks for a customer's consent without a browser, and the customer's administrators decide
 * in their portal.
 *
 *  - `login_hint` names the customer (CAMARA's formats we accept: a tenant id, a billing account
 *    number, the e-mail address of one of the customer's administrators). It resolves to the
 *    tenant; the library's request carries the tenant id as its account until a person decides.
 *    An unknown customer, one the app may not ask (another partner's own tenant, the partner's
 *    CIBA switched off by the operator) and a suspended one are refused alike (CIBA §13
 *    `unknown_user_id`), so the answer never tells which.
 *  - The request is kept (ciba_requests) for the customer's waiting list and noticed to its
 *    administrators; approving goes through ConsentService.approve — the same delegation, grant,
 *    audit and events as the redirect flow — and then finishes the library's request
 *    (Provider#backchannelResult), which pings the app in ping mode.
 *  - Polling faster than the interval is answered `slow_down` (CIBA §11; RFC 8628 §3.5), counted
 *    in the request's row so it holds across instances.
 */
import { errors, type Configuration, type KoaContextWithOIDC, type Provider } from 'oidc-provider';
import type { Db } from '../../platform/db/database.ts';
import { asSystem, tenantContext, withDbContext } from '../../platform/db/db-context.ts';
import { mutate } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import { decryptWithSecret, encryptWithSecret, type SecretHasher } from '../../platform/crypto.ts';
import { isId, newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { AuditLog } from '../audit/index.ts';
import type { AppsService } from '../apps/index.ts';
import { isResold, reachRoutes, type AuthzSnapshot } from '../authz/index.ts';
import type { ConsentService } from './consent.service.ts';
import * as repo from './ciba.repo.ts';
import { oauthErrors as E } from './oauth.errors.ts';
import { problemDetails as PD } from './oauth.problem-details.ts';

export const CIBA_GRANT = 'urn:openid:params:grant-type:ciba';
/** The feature the operator switches off per partner (feature catalog, migration 0091). */
export const CIBA_FEATURE = 'oauth.ciba';
/** The shortest time between two polls of one request unless the operator sets CIBA_POLL_INTERVAL, seconds (CIBA §7.3 `interval`). */
export const CIBA_POLL_INTERVAL_SEC = 5;
/** How long a request waits for a decision unless the app asks for less (requested_expiry), seconds. */
export const CIBA_MAX_EXPIRY_SEC = 10 * 60;
type RefusalReason = 'unknown' | 'another_partners_own' | 'not_reached';
type Refusal = { reason: RefusalReason; partnerId?: string; customer?: string };
const UNKNOWN: Refusal = { reason: 'unknown' };
/** Why a customer that exists was answered as unknown, in the operator's audit log. */
const REFUSAL_WORDS: Record<Exclude<RefusalReason, 'unknown'>, string> = {
  another_partners_own: "refused: the customer is another partner's own organization",
  not_reached: "refused: the app's partner does not reach this customer",
};
const BINDING_MESSAGE = /^[\p{L}\p{N} .,:;!?#+/_-]{1,40}$/u;

export interface CibaDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  hasher: SecretHasher;
  secret: string;
  /** the poll interval, seconds (the operator's CIBA_POLL_INTERVAL) */
  pollIntervalSec?: number;
  apps: AppsService;
  snapshot: () => AuthzSnapshot;
  consent: ConsentService;
  provider: () => Provider;
  /** a user by e-mail address (identity) */
  userIdByEmail: (email: string) => Promise<string | null>;
  /** tell the customer's administrators that a request waits (notifications); errors are the caller's to log */
  notify?: (r: repo.CibaRequestRow) => Promise<void>;
}

export interface CibaApproval {
  banIds: string[];
  billTo: string;
  days: number;
  purposes?: string[];
}

export class CibaService {
  readonly #d: CibaDeps;
  constructor(d: CibaDeps) {
    this.#d = d;
  }

  get #interval(): number {
    return this.#d.pollIntervalSec ?? CIBA_POLL_INTERVAL_SEC;
  }

  /** The library's `features.ciba`: poll and ping, our login_hint, binding message and trigger. */
  feature(): NonNullable<Configuration['features']>['ciba'] {
    return {
      enabled: true,
      deliveryModes: ['poll', 'ping'],
      processLoginHint: async (ctx, hint) => (await this.customerFor(ctx.oidc.client?.clientId ?? '', hint ?? '', { ctx, via: 'ciba' })) ?? undefined,
      processLoginHintToken: async () => {
        throw new errors.InvalidRequest('login_hint_token is not supported; send login_hint');
      },
      validateBindingMessage: async (_ctx, message) => {
        if (message !== undefined && !BINDING_MESSAGE.test(message)) throw new errors.InvalidBindingMessage('binding_message is 1 to 40 letters, digits, spaces or basic punctuation');
      },
      validateRequestContext: async () => undefined,
      verifyUserCode: async (_ctx, _account, userCode) => {
        if (userCode !== undefined) throw new errors.InvalidRequest('user_code is not supported');
      },
      triggerAuthenticationDevice: async (ctx, request) => this.#record(ctx, request),
    };
  }

  /**
   * The customer a login_hint names, when this app may ask it; null otherwise — whatever the reason.
   * Read from the decision snapshot, except an e-mail address (the person, then the one customer they administer).
   * With `seen` (the request and the grant), a customer that exists but is not this partner's to ask
   * is refused the same way and audited with the reason, for the operator only (refusedQuietly).
   */
  async customerFor(clientId: string, hint: string, seen?: { ctx: KoaContextWithOIDC; via: 'ciba' | 'jwt_bearer' }): Promise<string | null> {
    const r = await this.#customer(clientId, hint);
    if (!('reason' in r)) return r.tenantId;
    if (r.reason !== 'unknown' && seen) await this.#refusedQuietly(seen.ctx, seen.via, clientId, r);
    return null;
  }

  async #customer(clientId: string, hint: string): Promise<{ tenantId: string } | Refusal> {
    const record = await this.#d.apps.findClientRecord(clientId);
    if (!record || !this.#d.consent.servesCustomers(record)) return UNKNOWN;
    const snap = this.#d.snapshot();
    if (!snap.featureEnabled(record.partner.id, CIBA_FEATURE)) return UNKNOWN;
    const tenantId = await this.#tenantOf(hint.trim().slice(0, 320));
    if (!tenantId || !snap.tenant(tenantId).active) return UNKNOWN;
    const refused = { partnerId: record.partner.id, customer: tenantId };
    // another partner's own organization (a wholesaler's home tenant) is not a customer to ask
    for (const p of snap.partners.values()) if (p.homeTenantId === tenantId && p.id !== record.partner.id) return { ...refused, reason: 'another_partners_own' };
    // a customer a wholesaler resold is the wholesaler's to ask: only a partner that reaches it by
    // the reach rules (authz/reach.ts: its wholesaler, a link or consent it gave) — else unknown, alike
    if (isResold(snap, tenantId) && reachRoutes(snap, record.partner.id, tenantId, this.#d.clock.nowMs()).length === 0) return { ...refused, reason: 'not_reached' };
    return { tenantId };
  }

  /**
   * The app's answer says "unknown" (it must not learn that the customer exists), but the operator's
   * audit log says why, so a probe of another partner's customers shows: no tenant or partner on
   * the row (neither the customer nor the app's partner sees it), the parties in its details.
   */
  async #refusedQuietly(ctx: KoaContextWithOIDC, via: 'ciba' | 'jwt_bearer', clientId: string, r: Refusal): Promise<void> {
    const actx = appContext(ctx, clientId, null);
    await asSystem(() =>
      mutate(this.#d.db, (trx) =>
        this.#d.audit.record(trx, actx, {
          action: 'oauth.customer_refused',
          outcome: 'denied',
          targetType: 'app',
          targetId: clientId,
          details: { via, reason: r.reason, refused: r.reason === 'unknown' ? null : REFUSAL_WORDS[r.reason], customer_tenant_id: r.customer, app_partner_id: r.partnerId, answered: 'as an unknown account' },
        }),
      ),
    );
  }

  async #tenantOf(hint: string): Promise<string | null> {
    const value = hint.replace(/^(tenant|ban|email|mailto):/i, '');
    if (isId(value, 'tnt')) return value;
    if (value.includes('@')) {
      const userId = await this.#d.userIdByEmail(value);
      if (!userId) return null;
      const tenants = await this.#d.consent.adminTenants(userId);
      return tenants.length === 1 ? tenants[0].id : null;
    }
    const ban = this.#d.snapshot().ban(value);
    return ban && ban.status === 'active' ? ban.tenantId : null;
  }

  /** A customer as the library's account while the request waits (its accountId is the tenant id). */
  customerAccount(tenantId: string) {
    if (!isId(tenantId, 'tnt') || !this.#d.snapshot().tenant(tenantId).active) return undefined;
    return { accountId: tenantId, claims: async () => ({ sub: tenantId }) };
  }

  async #record(ctx: KoaContextWithOIDC, request: InstanceType<Provider['BackchannelAuthenticationRequest']>): Promise<void> {
    const clientId = ctx.oidc.client!.clientId;
    const record = await this.#d.apps.findClientRecord(clientId);
    if (!record) throw new errors.InvalidClient('client not found');
    const authReqId = (ctx.body as { auth_req_id: string }).auth_req_id;
    const params = ctx.oidc.params as Record<string, unknown>;
    const now = this.#d.clock.now();
    const row: repo.CibaRequestRow = {
      id: newId('cib'),
      auth_req_hash: this.#d.hasher.hash(authReqId),
      auth_req_sealed: encryptWithSecret(this.#d.secret, authReqId),
      tenant_id: request.accountId!,
      partner_id: record.partner.id,
      client_id: clientId,
      scopes: JSON.stringify(String(request.scope ?? '').split(' ').filter(Boolean)),
      purposes: JSON.stringify(this.#d.consent.requestedPurposes(params.purpose)),
      binding_message: typeof params.binding_message === 'string' ? params.binding_message : null,
      status: 'waiting',
      expires_at: new Date(now.getTime() + request.expiration * 1000).toISOString(),
      last_polled_at: null,
      decided_by: null,
      decided_at: null,
      delegation_id: null,
      created_at: now.toISOString(),
    };
    await mutate(this.#d.db, async (trx) => {
      await repo.insertCibaRequest(trx, row);
      await this.#d.audit.record(trx, appContext(ctx, clientId, record.partner.id), {
        action: 'oauth.ciba_requested',
        tenantId: row.tenant_id,
        partnerId: row.partner_id,
        targetType: 'app',
        targetId: clientId,
        details: { request_id: row.id, app: record.app.name, scopes: JSON.parse(row.scopes), purposes: JSON.parse(row.purposes), expires_at: row.expires_at },
      });
    });
    (ctx.body as Record<string, unknown>).interval = this.#interval;
    await this.#d.notify?.(row);
  }

  /**
   * Before the token endpoint answers a CIBA poll: a request polled again within the interval is
   * answered slow_down (the poll still counts, so a client that keeps hammering keeps being told).
   */
  async checkPollRate(authReqId: string): Promise<void> {
    const row = await asSystem(() => repo.findCibaRequestByHash(this.#d.db.kysely, this.#d.hasher.hash(authReqId)));
    if (!row) return;
    const now = this.#d.clock.now();
    await asSystem(() => repo.notePoll(this.#d.db.kysely, row.id, now.toISOString()));
    if (row.last_polled_at && now.getTime() - Date.parse(row.last_polled_at) < this.#interval * 1000) {
      throw new errors.SlowDown();
    }
  }

  /** The customer's waiting requests, for its administrators' page. */
  async waiting(tenantId: string) {
    const rows = await withDbContext(tenantContext(tenantId), () => repo.listWaitingCibaRequests(this.#d.db.kysely, tenantId, this.#d.clock.now().toISOString()));
    const out = [];
    for (const r of rows) {
      const record = await this.#d.apps.findClientRecord(r.client_id);
      if (!record) continue;
      const scopes = JSON.parse(r.scopes) as string[];
      const requested = this.#d.consent.requestedScopes(record, scopes.join(' '));
      const catalog = new Map(this.#d.consent.purposeCatalog().map((p) => [p.id, p]));
      out.push({
        id: r.id,
        app: { client_id: r.client_id, name: record.app.name, logo_uri: record.app.logo_uri },
        partner: { id: record.partner.id, name: record.partner.name },
        permissions: this.#d.consent.describe(requested.resource),
        purposes: (JSON.parse(r.purposes) as string[]).map((id) => ({ id, name: catalog.get(id)?.name ?? id, description: catalog.get(id)?.description ?? '' })),
        binding_message: r.binding_message,
        created_at: r.created_at,
        expires_at: r.expires_at,
      });
    }
    return out;
  }

  async #load(tenantId: string, id: string): Promise<repo.CibaRequestRow> {
    const r = await withDbContext(tenantContext(tenantId), () => repo.findCibaRequest(this.#d.db.kysely, tenantId, id));
    if (!r) throw E.ciba_request_not_found();
    if (r.status !== 'waiting') throw E.ciba_request_decided(PD.requestWasAlready, { values: { status: r.status } });
    if (r.expires_at <= this.#d.clock.now().toISOString()) throw E.ciba_request_decided(PD.requestHasExpiredApp);
    return r;
  }

  /**
   * A customer administrator approves: the redirect flow's consent (ConsentService.approve: the
   * delegation, the grant, the audit, the events), then the library's request is finished with
   * that grant — the app's next poll gets the tokens, or it is pinged.
   */
  async approve(ctx: RequestContext, userId: string, tenantId: string, id: string, input: CibaApproval): Promise<{ delegationId: string }> {
    const r = await this.#load(tenantId, id);
    const record = await this.#d.apps.findClientRecord(r.client_id);
    if (!record) throw E.consent_app_unavailable();
    const requested = this.#d.consent.requestedScopes(record, (JSON.parse(r.scopes) as string[]).join(' '));
    const { grantId, delegationId } = await this.#d.consent.approve(ctx, {
      userId,
      clientId: r.client_id,
      tenantId,
      banIds: input.banIds,
      billTo: input.billTo,
      days: input.days,
      requested,
      purposes: input.purposes ?? (JSON.parse(r.purposes) as string[]),
    });
    const now = this.#d.clock.now().toISOString();
    const won = await withDbContext(tenantContext(tenantId), () => repo.decideCibaRequest(this.#d.db.kysely, r.id, { status: 'approved', decided_by: userId, decided_at: now, delegation_id: delegationId }));
    if (!won) {
      await this.#d.consent.revokeConnection(ctx, tenantId, delegationId, 'the request was decided already');
      throw E.ciba_request_decided(PD.requestWasDecidedAlready);
    }
    await this.#finish(r, userId, grantId);
    return { delegationId };
  }

  /** A customer administrator refuses: the app's next poll (or ping) gets access_denied. */
  async deny(ctx: RequestContext, userId: string, tenantId: string, id: string): Promise<void> {
    const r = await this.#load(tenantId, id);
    const now = this.#d.clock.now().toISOString();
    const won = await withDbContext(tenantContext(tenantId), () => mutate(this.#d.db, async (trx) => {
      if (!(await repo.decideCibaRequest(trx, r.id, { status: 'denied', decided_by: userId, decided_at: now, delegation_id: null }))) return false;
      await this.#d.audit.record(trx, { ...ctx, actor: { ...ctx.actor, type: 'user', userId, clientId: r.client_id } }, {
        action: 'oauth.consent_denied',
        tenantId,
        partnerId: r.partner_id,
        targetType: 'app',
        targetId: r.client_id,
        outcome: 'denied',
        details: { request_id: r.id, flow: 'ciba' },
      });
      return true;
    }));
    if (!won) throw E.ciba_request_decided(PD.requestWasDecidedAlready);
    await this.#finish(r, userId, new errors.AccessDenied('the customer denied the request'));
  }

  /** Finish the library's request: the approver becomes its account, then the grant (or the refusal) is set; ping mode pings. */
  async #finish(r: repo.CibaRequestRow, userId: string, result: string | InstanceType<typeof errors.AccessDenied>): Promise<void> {
    const provider = this.#d.provider();
    const authReqId = decryptWithSecret(this.#d.secret, r.auth_req_sealed);
    await asSystem(async () => {
      const request = await provider.BackchannelAuthenticationRequest.find(authReqId, { ignoreExpiration: true });
      if (!request) return;
      request.accountId = userId;
      const outcome = typeof result === 'string' ? await provider.Grant.find(result) : result;
      if (!outcome) return;
      // a ping that cannot be delivered is the app's loss: it can still poll (CIBA §10.2)
      await provider.backchannelResult(request, outcome).catch(() => undefined);
    });
  }
}

/** The request context of a provider call made by an app, for the audit row. */
function appContext(ctx: KoaContextWithOIDC, clientId: string, partnerId: string | null): RequestContext {
  return {
    requestId: String(ctx.response.get('x-request-id') || newId('req')),
    ip: ctx.ip || null,
    userAgent: ctx.get('user-agent') || null,
    actor: { type: 'app', userId: null, partnerId, clientId, agencyId: null },
  };
}
