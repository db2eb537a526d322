/**
 * The identity provider's SAML metadata re-read from its address (a connection configured by metadata
 * URL): on a schedule (the operator's SAML_METADATA_REFRESH_INTERVAL_MS, daily by default) and on demand ("Check now").
 * The fetch is the same private-address-refusing one the save uses (fetchIdpMetadata).
 *
 *  - new metadata that parses, for the same provider (entity id), replaces the stored one; a change of
 *    signing certificates is audited (sso.idp_certificates_changed, old and new SHA-256 fingerprints);
 *  - a failed fetch, metadata that does not parse, or another provider's: the last good metadata stays —
 *    never fails open, never empties the certificates — and the failure is kept with its time to show, as a
 *    code and its figures (metadata-failure.ts) that the portal says in the reader's language.
 *
 * Like the domain re-check (../domain-recheck.ts), every instance runs rounds over the connections due;
 * unlike it, each connection is first claimed with a conditional write of its try time
 * (claimMetadataRefresh), so of the instances that find it due only one fetches.
 */
import { X509Certificate } from 'node:crypto';
import { mutate, type Db } from '../../../platform/db/database.ts';
import type { Clock } from '../../../platform/clock.ts';
import { WakeableLoop } from '../../../platform/wakeable-loop.ts';
import { systemContext, type RequestContext } from '../../../platform/http/request-context.ts';
import type { AuditLog } from '../../audit/index.ts';
import * as repo from '../sso.repo.ts';
import { roundPeriodMs } from '../domain-recheck.ts';
import type { ConnectionRow } from '../sso.repo.ts';
import { fetchIdpMetadata, IdpMetadataError, IdpMetadataUnreachable, parseIdpMetadata } from './idp-metadata.ts';
import type { MetadataFailure } from './metadata-failure.ts';

const BATCH = 20;

export interface IdpMetadataRefreshDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  allowPrivateTargets: boolean;
  intervalMs: number;
  onError: (err: unknown) => void;
}

export interface RefreshOutcome {
  ok: boolean;
  /** the signing certificates changed (ok only) */
  changed: boolean;
  /** the failure's code (null: none, or nothing was tried) */
  error: string | null;
  failure: MetadataFailure | null;
}

/** SHA-256 fingerprints of the signing certificates (AA:BB:…), or the PEM's digest when it does not parse. */
export async function signingFingerprints(xml: string | null): Promise<string[]> {
  if (!xml) return [];
  try {
    return (await parseIdpMetadata(xml)).signingCerts.map((pem) => new X509Certificate(pem).fingerprint256);
  } catch {
    return [];
  }
}

export class IdpMetadataRefresh {
  readonly #d: IdpMetadataRefreshDeps;
  /** one round at a time on this instance; the claim keeps instances apart */
  readonly #loop: WakeableLoop;
  constructor(d: IdpMetadataRefreshDeps) {
    this.#d = d;
    this.#loop = new WakeableLoop(async () => (await this.runOnce()).refreshed, d.onError);
  }

  /** One round over the connections due; returns how many this instance re-read. */
  async runOnce(): Promise<{ refreshed: number }> {
    const before = new Date(this.#d.clock.nowMs() - this.#d.intervalMs).toISOString();
    const due = await repo.listMetadataDue(this.#d.db.kysely, before, BATCH);
    let refreshed = 0;
    for (const c of due) {
      try {
        if (!(await repo.claimMetadataRefresh(this.#d.db.kysely, c.id, c.saml_idp_metadata_checked_at, this.#d.clock.now().toISOString()))) continue;
        await this.#read(systemContext('saml-metadata-refresh'), c);
        refreshed++;
      } catch (e) {
        this.#d.onError(e);
      }
    }
    return { refreshed };
  }

  /** "Check now": re-read one connection's metadata at once (the caller checked who may). */
  async refreshNow(ctx: RequestContext, connectionId: string): Promise<RefreshOutcome> {
    const c = await repo.findConnection(this.#d.db.kysely, connectionId);
    if (!c) return { ok: false, changed: false, error: null, failure: null };
    await repo.updateConnection(this.#d.db.kysely, c.id, { saml_idp_metadata_checked_at: this.#d.clock.now().toISOString() });
    return this.#read(ctx, c);
  }

  async #read(ctx: RequestContext, c: ConnectionRow): Promise<RefreshOutcome> {
    const now = this.#d.clock.now().toISOString();
    if (c.kind !== 'saml' || !c.saml_idp_metadata_url) return { ok: false, changed: false, error: null, failure: null };
    let xml: string;
    try {
      const got = await fetchIdpMetadata(c.saml_idp_metadata_url, { allowPrivate: this.#d.allowPrivateTargets });
      const before = c.saml_idp_metadata_xml ? await parseIdpMetadata(c.saml_idp_metadata_xml).catch(() => null) : null;
      if (before && got.metadata.entityId !== before.entityId) {
        throw new IdpMetadataError(`The metadata now describes another identity provider (${got.metadata.entityId}, not ${before.entityId}).`, 'other_identity_provider', {
          now: got.metadata.entityId,
          before: before.entityId,
        });
      }
      xml = got.xml;
    } catch (e) {
      if (!(e instanceof IdpMetadataUnreachable) && !(e instanceof IdpMetadataError)) throw e;
      const { failure } = e;
      // the last good metadata stays; only the failure (its code and figures) and its time are written
      await repo.updateConnection(this.#d.db.kysely, c.id, { saml_idp_metadata_checked_at: now, saml_idp_metadata_error: failure.code, saml_idp_metadata_error_params: JSON.stringify(failure.params) });
      return { ok: false, changed: false, error: failure.code, failure };
    }
    const oldPrints = await signingFingerprints(c.saml_idp_metadata_xml);
    const newPrints = await signingFingerprints(xml);
    const changed = oldPrints.join(',') !== newPrints.join(',');
    await mutate(this.#d.db, async (trx) => {
      await repo.updateConnection(trx, c.id, { saml_idp_metadata_xml: xml, saml_idp_metadata_checked_at: now, saml_idp_metadata_read_at: now, saml_idp_metadata_error: null, saml_idp_metadata_error_params: null });
      if (!changed) return;
      await this.#d.audit.record(trx, ctx, {
        action: 'sso.idp_certificates_changed',
        ...(c.org_type === 'tenant' ? { tenantId: c.org_id, partnerId: null } : { tenantId: null, partnerId: c.org_id }),
        targetType: 'sso_connection',
        targetId: c.id,
        details: { old_fingerprints: oldPrints, new_fingerprints: newPrints, metadata_url: c.saml_idp_metadata_url },
      });
    });
    return { ok: true, changed, error: null, failure: null };
  }

  start(): void {
    if (this.#d.intervalMs > 0) this.#loop.start(roundPeriodMs(this.#d.intervalMs));
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }
}
