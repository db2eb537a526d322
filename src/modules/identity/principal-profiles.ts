/**
 * What a principal built from the in-memory indexes lacks — the person's e-mail, name, languages and
 * sign-in methods — as the database last said it for one credential (a session, a personal API
 * token). With it, a request whose session or token the indexes vouch for is answered without the
 * two reads of the credential and the memberships: who the caller is and may act for (status,
 * platform role, memberships, their organizations' status) comes from the authz snapshot on every
 * request, kept current by the change feed like the gateway's decisions; only these descriptive
 * fields are remembered.
 *
 * They are read again when the person changes (the change feed's `user` event: a name, a language,
 * an e-mail — on this instance before the change answers, on every other within one delivery), when
 * one of their organizations changes (its default language: the feed's `tenant` and `partner`
 * events), when the session's second factor changed (a step-up), and at the latest after a minute.
 * Kept with the index's entry for the credential (a WeakMap): a logout, an expiry or a revocation
 * drops the entry, and what was remembered with it goes too.
 */
import type { ChangeEvent, ChangeFeed } from '../../platform/events/change-feed.ts';
import type { Principal } from '../../platform/http/principal.ts';
import type { MemoryCredential } from './identity.types.ts';

/** How long a credential's descriptive fields are used before the database is asked again. */
export const PROFILE_FOR_MS = 60_000;

interface Profile {
  readonly email: string;
  readonly name: string;
  readonly locale: Principal['locale'];
  readonly amr: Principal['amr'];
  readonly mfa: boolean;
  readonly atMs: number;
  /** the person's change count when read (see #changes) */
  readonly changes: number;
  /** the organizations the person belongs to, whose default language the profile holds */
  readonly orgs: readonly string[];
  /** their change counts summed when read */
  readonly orgChanges: number;
}

export class PrincipalProfiles {
  readonly #byEntry = new WeakMap<object, Profile>();
  /** per person, the `user` changes the feed delivered: a profile read before the last one is stale */
  readonly #changes = new Map<string, number>();
  /** per tenant and partner, the changes the feed delivered (an organization's default language is one) */
  readonly #orgChanges = new Map<string, number>();
  #unsubscribe: (() => void) | null = null;

  /** Follow the feed's `user` events (call with the indexes' load, before feed.start). */
  listen(feed: ChangeFeed): void {
    this.#unsubscribe ??= feed.subscribe((events) => this.apply(events));
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  apply(events: readonly ChangeEvent[]): void {
    for (const e of events) {
      const counts = e.entity === 'user' ? this.#changes : e.entity === 'tenant' || e.entity === 'partner' ? this.#orgChanges : null;
      counts?.set(e.entityId, (counts.get(e.entityId) ?? 0) + 1);
    }
  }

  /** Remember what the database said of this credential's person (after a read of the credential). */
  remember(credential: MemoryCredential | null, principal: Principal, nowMs = performance.now()): void {
    if (credential === null || credential.userId !== principal.userId) return;
    const orgs = principal.tenants.map((t) => t.tenantId);
    if (principal.partner !== null) orgs.push(principal.partner.partnerId);
    this.#byEntry.set(credential.entry, {
      email: principal.email,
      name: principal.name,
      locale: principal.locale,
      amr: principal.amr,
      mfa: principal.mfa === true,
      atMs: nowMs,
      changes: this.#changes.get(principal.userId) ?? 0,
      orgs,
      orgChanges: this.#orgCount(orgs),
    });
  }

  /**
   * The principal the indexes made, completed with the remembered fields; null when nothing current
   * is remembered for this credential, or the snapshot does not see the user as active (the database
   * path then answers, as it would have: the session ended, the token refused).
   */
  complete(credential: MemoryCredential, fromIndexes: Principal, nowMs = performance.now()): Principal | null {
    const p = this.#byEntry.get(credential.entry);
    if (p === undefined || nowMs - p.atMs >= PROFILE_FOR_MS || p.changes !== (this.#changes.get(credential.userId) ?? 0) || p.orgChanges !== this.#orgCount(p.orgs)) return null;
    if (credential.kind === 'session' && p.mfa !== credential.mfa) return null;
    if (fromIndexes.userStatus !== 'active') return null;
    return { ...fromIndexes, email: p.email, name: p.name, ...(p.locale ? { locale: p.locale } : {}), ...(p.amr ? { amr: p.amr, mfa: p.amr.includes('mfa') } : {}) };
  }

  #orgCount(orgs: readonly string[]): number {
    let n = 0;
    for (const id of orgs) n += this.#orgChanges.get(id) ?? 0;
    return n;
  }
}
