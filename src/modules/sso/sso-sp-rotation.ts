/**
 * Rotating our SAML service provider certificate with an overlap, so no sign-in breaks on the day it changes:
 *
 *   prepare   a new key pair is made as the *next* one; our metadata publishes it beside the current certificate
 *             (signing and encryption), and assertions encrypted to it are already decrypted. The organization's
 *             IT gives the provider the new metadata (or the provider re-reads it).
 *   switch    the next one becomes current: our requests (AuthnRequest, LogoutRequest) are signed with it; the old
 *             one is kept only to decrypt assertions still encrypted to it, for SP_CERTIFICATE_OVERLAP_DAYS,
 *             after which it is no longer used (connectionSettings) and no longer shown.
 *   remove    the old one is dropped before its overlap ends.
 *   expire    once its overlap is over it is ignored at once (liveSpPrevious), and SpPreviousCleanup drops it on a
 *             schedule (sso.sp_certificate_expired), so no key that can no longer be used stays stored.
 *
 * Each step is audited with the certificates' SHA-256 fingerprints. Private keys are sealed with the master
 * secret (encryptWithSecret), as the current one is.
 */
import { X509Certificate } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import { encryptWithSecret } from '../../platform/crypto.ts';
import { mutate, type Db } from '../../platform/db/database.ts';
import { systemContext, type RequestContext } from '../../platform/http/request-context.ts';
import { WakeableLoop } from '../../platform/wakeable-loop.ts';
import type { AuditLog } from '../audit/index.ts';
import { newSpCredentials } from './saml/sp-credentials.ts';
import { ssoErrors as E } from './sso.errors.ts';
import * as repo from './sso.repo.ts';
import type { ConnectionRow } from './sso.repo.ts';
import { problemDetails as PD } from './sso.problem-details.ts';

/** How long the old certificate still decrypts after a switch: identity providers re-read metadata daily at most. */
export const SP_CERTIFICATE_OVERLAP_DAYS = 14;

export interface CertificateFacts {
  fingerprint: string;
  valid_from: string;
  valid_until: string;
}

/** The certificate's SHA-256 fingerprint (colon-separated hex, as identity providers show it) and validity. */
export function certificateFacts(pem: string | null): CertificateFacts | null {
  if (!pem) return null;
  const x = new X509Certificate(pem);
  return { fingerprint: x.fingerprint256, valid_from: new Date(x.validFrom).toISOString(), valid_until: new Date(x.validTo).toISOString() };
}

/** The previous certificate while it still decrypts (its overlap not over), else null. */
export function liveSpPrevious(c: ConnectionRow, nowIso: string): { certificate: string; until: string } | null {
  if (!c.saml_sp_previous_certificate || !c.saml_sp_previous_until || c.saml_sp_previous_until <= nowIso) return null;
  return { certificate: c.saml_sp_previous_certificate, until: c.saml_sp_previous_until };
}

export interface SpRotationDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  secretKey: string;
  publicUrl: string;
}

export class SpCertificateRotation {
  readonly #d: SpRotationDeps;
  constructor(d: SpRotationDeps) {
    this.#d = d;
  }

  /** now, for what is shown (whether the previous certificate's overlap is over) */
  nowIso(): string {
    return this.#d.clock.now().toISOString();
  }

  /** "Prepare a new certificate": the next key pair, published in our metadata from now on. */
  async prepare(ctx: RequestContext, c: ConnectionRow): Promise<void> {
    samlOnly(c);
    if (c.saml_sp_next_certificate) throw E.sso_settings_invalid(PD.newCertificateAlreadyPrepared);
    const now = this.#d.clock.now();
    const cred = await newSpCredentials(new URL(this.#d.publicUrl).hostname, now);
    // an old certificate whose overlap is over is no longer used (connectionSettings): it is dropped now
    const dropEnded = liveSpPrevious(c, now.toISOString()) ? {} : { saml_sp_previous_private_key_enc: null, saml_sp_previous_certificate: null, saml_sp_previous_until: null };
    const patch = { saml_sp_next_private_key_enc: encryptWithSecret(this.#d.secretKey, cred.privateKeyPem), saml_sp_next_certificate: cred.certificatePem, ...dropEnded };
    await this.#write(ctx, c, 'sso.sp_certificate_prepared', patch, {
      current: certificateFacts(c.saml_sp_certificate)?.fingerprint ?? null,
      next: certificateFacts(cred.certificatePem)?.fingerprint,
    });
  }

  /** "Switch to the new certificate": the next one signs from now on; the old one decrypts for the overlap. */
  async switchToNext(ctx: RequestContext, c: ConnectionRow): Promise<void> {
    samlOnly(c);
    if (!c.saml_sp_next_certificate || !c.saml_sp_next_private_key_enc) throw E.sso_settings_invalid(PD.noNewCertificatePrepared);
    const now = this.#d.clock.now();
    const until = new Date(now.getTime() + SP_CERTIFICATE_OVERLAP_DAYS * 86_400_000).toISOString();
    const patch = {
      saml_sp_private_key_enc: c.saml_sp_next_private_key_enc,
      saml_sp_certificate: c.saml_sp_next_certificate,
      saml_sp_next_private_key_enc: null,
      saml_sp_next_certificate: null,
      saml_sp_previous_private_key_enc: c.saml_sp_private_key_enc,
      saml_sp_previous_certificate: c.saml_sp_certificate,
      saml_sp_previous_until: until,
    };
    await this.#write(ctx, c, 'sso.sp_certificate_switched', patch, {
      current: certificateFacts(c.saml_sp_next_certificate)?.fingerprint,
      previous: certificateFacts(c.saml_sp_certificate)?.fingerprint ?? null,
      previous_decrypts_until: until,
    });
  }

  /** "Remove the old certificate": assertions encrypted to it are refused from now on. */
  async removePrevious(ctx: RequestContext, c: ConnectionRow): Promise<void> {
    samlOnly(c);
    if (!c.saml_sp_previous_certificate) throw E.sso_settings_invalid(PD.thereNoOldCertificate);
    const patch = { saml_sp_previous_private_key_enc: null, saml_sp_previous_certificate: null, saml_sp_previous_until: null };
    await this.#write(ctx, c, 'sso.sp_certificate_removed', patch, { removed: certificateFacts(c.saml_sp_previous_certificate)?.fingerprint });
  }

  async #write(ctx: RequestContext, c: ConnectionRow, action: string, patch: Parameters<typeof repo.updateConnection>[2], details: Record<string, unknown>): Promise<void> {
    const about = c.org_type === 'tenant' ? { tenantId: c.org_id, partnerId: null } : { tenantId: null, partnerId: c.org_id };
    await mutate(this.#d.db, async (trx) => {
      await repo.updateConnection(trx, c.id, { ...patch, updated_at: this.#d.clock.now().toISOString() });
      await this.#d.audit.record(trx, ctx, { action, ...about, targetType: 'sso_connection', targetId: c.id, details });
    });
  }
}

/** How often each instance looks for old certificates whose overlap is over. */
export const SP_PREVIOUS_CLEANUP_INTERVAL_MS = 60 * 60 * 1000;
const CLEANUP_BATCH = 50;

export interface SpPreviousCleanupDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  onError: (err: unknown) => void;
}

/**
 * Drops, on a schedule, the old certificate (and its sealed private key) of connections whose overlap is over,
 * audited with its fingerprint, without anyone acting. Every instance runs rounds; the conditional write
 * (clearSpPrevious) lets exactly one of them drop and audit each.
 */
export class SpPreviousCleanup {
  readonly #d: SpPreviousCleanupDeps;
  readonly #loop: WakeableLoop;
  constructor(d: SpPreviousCleanupDeps) {
    this.#d = d;
    this.#loop = new WakeableLoop(async () => (await this.runOnce()).removed, d.onError);
  }

  /** One round; returns how many old certificates this instance dropped. */
  async runOnce(): Promise<{ removed: number }> {
    const now = this.#d.clock.now().toISOString();
    let removed = 0;
    for (const c of await repo.listSpPreviousEnded(this.#d.db.kysely, now, CLEANUP_BATCH)) {
      const until = c.saml_sp_previous_until!;
      const about = c.org_type === 'tenant' ? { tenantId: c.org_id, partnerId: null } : { tenantId: null, partnerId: c.org_id };
      await mutate(this.#d.db, async (trx) => {
        if (!(await repo.clearSpPrevious(trx, c.id, until, now))) return;
        removed++;
        const details = { removed: certificateFacts(c.saml_sp_previous_certificate)?.fingerprint ?? null, decrypted_until: until };
        await this.#d.audit.record(trx, systemContext('saml-sp-certificate-cleanup'), { action: 'sso.sp_certificate_expired', ...about, targetType: 'sso_connection', targetId: c.id, details });
      });
    }
    return { removed };
  }

  start(intervalMs = SP_PREVIOUS_CLEANUP_INTERVAL_MS): void {
    this.#loop.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }
}

function samlOnly(c: ConnectionRow): void {
  if (c.kind !== 'saml') throw E.sso_connection_not_found(PD.connectionDoesNotUse);
}
