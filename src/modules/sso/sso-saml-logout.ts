/**
 * SAML Single Logout between the portal and an organization's identity provider (saml-profiles §4.4), on the
 * messages of saml/saml-logout.ts:
 *
 *  - started here: a person signs out of a portal session a SAML connection opened; the session ends first
 *    (IdentityService.logout), then the browser goes to the provider's SingleLogoutService with our signed
 *    LogoutRequest naming the NameID and SessionIndex kept sealed for that session. Its LogoutResponse comes
 *    back to our SingleLogoutService and lands on the signed-out page. Our request ids carry their own expiry
 *    and a keyed MAC scoped to the connection, so any instance recognises them and each is answered once.
 *  - started at the provider: its signed LogoutRequest ends exactly the live sessions of this connection with
 *    that NameID (and that SessionIndex when given), by the keyed hashes, through the revocation path that the
 *    back-channel logout uses (every instance within a second), audited; we answer with a signed LogoutResponse.
 *
 * A refused message ends nothing and is audited with its reason.
 */
import { constantTimeEqual, decryptWithSecret, encryptWithSecret, hmacSha256, randomToken } from '../../platform/crypto.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import { mutate, type Db } from '../../platform/db/database.ts';
import { tenantContext, withDbContext } from '../../platform/db/db-context.ts';
import type { Clock } from '../../platform/clock.ts';
import type { AuditLog } from '../audit/index.ts';
import { readSamlLogoutMessage, sameNameId, samlLogoutRequest, samlLogoutResponse, SamlLogoutRefused, type SamlLogoutSubject, type SloMessage, type SloOutbound } from './saml/saml-logout.ts';
import type { SamlReplayStore } from './saml/saml-replay.ts';
import type { ConnectionRow, SsoSessionRow } from './sso.repo.ts';
import type { SamlConnectionSettings } from './sso.types.ts';

/** How long the provider has to answer our LogoutRequest (the person may be asked to confirm there). */
export const SAML_LOGOUT_ANSWER_MS = 15 * 60 * 1000;

export interface SamlSingleLogoutDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  secretKey: string;
  publicUrl: string;
  samlSettings: (c: ConnectionRow) => SamlConnectionSettings | null;
  findConnection: (id: string) => Promise<ConnectionRow | undefined>;
  endMatching: (ctx: RequestContext, c: ConnectionRow, match: SessionMatch, channel: string) => Promise<number>;
  upstreamHash: (connectionId: string, kind: 'subject' | 'session', value: string) => string;
}

/** Which live sessions of a connection a logout names: by the keyed hashes, then (SAML) those whose kept NameID `keep` accepts. */
export interface SessionMatch {
  subjectHash: string | null;
  upstreamHash: string | null;
  keep?: (row: Pick<SsoSessionRow, 'saml_logout_enc'>) => boolean;
}

/** What the SingleLogoutService answers: where the browser goes next with our answer (null: our signed-out page) and what happened. */
export type SloOutcome = { kind: 'response' } | { kind: 'request'; sessionsEnded: number; next: SloOutbound | null };

/** Where the page that posts our LogoutRequest lives (HTTP-POST binding): GET, with the sealed sign-out as `m`. */
export const sloSendPath = (connectionId: string) => `/sso/saml/${connectionId}/slo/send`;

/** What the address of that page carries, sealed: whose sign-out, the request id, until when. */
interface SealedSignOut {
  c: string;
  s: SamlLogoutSubject;
  id: string;
  until: number;
}

export class SamlSingleLogout {
  readonly #d: SamlSingleLogoutDeps;
  constructor(d: SamlSingleLogoutDeps) {
    this.#d = d;
  }

  /** A fresh LogoutRequest id for `connectionId`: `_slo.<expiry>.<nonce>.<mac>` (an xsd:ID). */
  requestId(connectionId: string): string {
    const until = (this.#d.clock.now().getTime() + SAML_LOGOUT_ANSWER_MS).toString(36);
    const nonce = randomToken(16);
    return `_slo.${until}.${nonce}.${this.#mac(connectionId, until, nonce)}`;
  }

  /** Whether `id` is a LogoutRequest id this connection issued and that is still within its answer time. */
  isOurRequest(connectionId: string, id: string): boolean {
    const [head, until, nonce, mac, ...rest] = id.split('.');
    if (head !== '_slo' || !until || !nonce || !mac || rest.length > 0) return false;
    if (!constantTimeEqual(mac, this.#mac(connectionId, until, nonce))) return false;
    return parseInt(until, 36) > this.#d.clock.now().getTime();
  }

  #mac(connectionId: string, until: string, nonce: string): string {
    return hmacSha256(this.#d.secretKey, `saml-slo\u0000${connectionId}\u0000${until}\u0000${nonce}`).slice(0, 32);
  }

  /**
   * For IdentityService.logout: read before the session ends; after, where the browser goes with our LogoutRequest
   * (null: sign out here only) — the provider's address (Redirect binding), or our page that posts it there (POST
   * binding). That page's address carries the sign-out sealed with the master secret, for SAML_LOGOUT_ANSWER_MS:
   * the request is signed when the page is shown, so the address stays short.
   */
  handoff(c: ConnectionRow, row: SsoSessionRow): (() => Promise<string | null>) | null {
    const settings = this.#d.samlSettings(c);
    if (!settings || !row.saml_logout_enc) return null;
    const subject = this.#subject(row.saml_logout_enc);
    return async () => {
      const id = this.requestId(c.id);
      const out = await samlLogoutRequest(settings, subject, id);
      if (!out) return null;
      if (out.binding === 'redirect') return out.url;
      const sealed: SealedSignOut = { c: c.id, s: subject, id, until: this.#d.clock.now().getTime() + SAML_LOGOUT_ANSWER_MS };
      return `${this.#d.publicUrl}${sloSendPath(c.id)}?m=${encryptWithSecret(this.#d.secretKey, JSON.stringify(sealed))}`;
    };
  }

  /** The form our page posts to the provider (POST binding) for a sealed sign-out; null when it is not this connection's, expired, or the provider now names no SingleLogoutService. */
  async postedRequest(connectionId: string, sealed: string): Promise<SloOutbound | null> {
    let s: SealedSignOut;
    try {
      s = JSON.parse(decryptWithSecret(this.#d.secretKey, sealed)) as SealedSignOut;
    } catch {
      return null;
    }
    if (s.c !== connectionId || !(s.until > this.#d.clock.now().getTime())) return null;
    const c = await this.#d.findConnection(connectionId);
    const settings = c && c.enabled === 1 ? this.#d.samlSettings(c) : null;
    return settings ? samlLogoutRequest(settings, s.s, s.id) : null;
  }

  #subject(sealed: string): SamlLogoutSubject {
    return JSON.parse(decryptWithSecret(this.#d.secretKey, sealed)) as SamlLogoutSubject;
  }

  /** A message at /sso/saml/:connection_id/slo: the provider's answer to our request, or its own LogoutRequest. */
  async receive(ctx: RequestContext, connectionId: string, message: SloMessage, replay: SamlReplayStore): Promise<SloOutcome> {
    const c = await this.#d.findConnection(connectionId);
    const settings = c && c.enabled === 1 ? this.#d.samlSettings(c) : null;
    try {
      if (!c || !settings) throw new SamlLogoutRefused('unknown or switched-off connection');
      const read = await readSamlLogoutMessage(settings, message, { replay, ourRequest: (id) => this.isOurRequest(c.id, id), now: () => this.#d.clock.now().getTime() });
      if (read.kind === 'response') return { kind: 'response' };
      const match: SessionMatch = {
        subjectHash: this.#d.upstreamHash(c.id, 'subject', read.nameId),
        upstreamHash: read.sessionIndex ? this.#d.upstreamHash(c.id, 'session', read.sessionIndex) : null,
        // the same NameID value under another qualifier is another person (saml-core §2.2.2)
        keep: (row) => row.saml_logout_enc === null || sameNameId(this.#subject(row.saml_logout_enc), read.qualifiers),
      };
      const sessionsEnded = await this.#d.endMatching(ctx, c, match, 'saml_front_channel');
      // saml-core §3.7.3.2: Success once its sessions here are ended; none to end is an unknown principal
      const next = await samlLogoutResponse(settings, read.id, sessionsEnded > 0, read.relayState);
      return { kind: 'request', sessionsEnded, next };
    } catch (e) {
      if (!(e instanceof SamlLogoutRefused)) throw e;
      await this.#refused(ctx, c, e.reason);
      throw e;
    }
  }

  async #refused(ctx: RequestContext, c: ConnectionRow | undefined, reason: string): Promise<void> {
    const about = !c ? {} : c.org_type === 'tenant' ? { tenantId: c.org_id, partnerId: null } : { tenantId: null, partnerId: c.org_id };
    const write = () =>
      mutate(this.#d.db, (trx) =>
        this.#d.audit.record(trx, ctx, { action: 'sso.logout_refused', outcome: 'failure', ...about, targetType: 'sso_connection', targetId: c?.id ?? null, details: { channel: 'saml_front_channel', reason } }),
      );
    await (c?.org_type === 'tenant' ? withDbContext(tenantContext(c.org_id), write) : write());
  }
}
