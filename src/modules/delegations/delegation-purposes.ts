/**
 * Purposes on a delegation (purpose-bound consent): what a consent or a link was granted for,
 * named by catalog id (modules/purposes). The customer revokes one purpose at a time; the others
 * stay. Every instance keeps each open delegation's purposes in memory (DelegationPurposeIndex),
 * re-read when the change feed reports the delegation changed — the gateway asks it on every
 * request to a route that requires a purpose, without a database read, so a revoked purpose is
 * refused on every instance from its next request.
 */
import type { Db } from '../../platform/db/database.ts';
import { asSystem } from '../../platform/db/db-context.ts';
import { forEachChunk } from '../../platform/db/read-in-chunks.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import { isOpen } from './delegation-rules.ts';
import type { DelegationSteps } from './delegation-steps.ts';
import { delegationErrors as E } from './delegations.errors.ts';
import type * as repo from './delegations.repo.ts';
import * as prepo from './delegation-purposes.repo.ts';
import { problemDetails as PD } from './delegations.problem-details.ts';

const PAGE = 5000;

type PurposeRow = { id: string; status: string; purposes: string | null };
const NONE: readonly string[] = Object.freeze([]);

/** A delegation's purposes as stored (JSON text) → a list; null or malformed → none. */
export function parsePurposes(text: string | null): readonly string[] {
  if (text === null) return NONE;
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? Object.freeze(v.filter((x): x is string => typeof x === 'string')) : NONE;
  } catch {
    return NONE;
  }
}

export class DelegationPurposeIndex {
  readonly #db: Db;
  readonly #feed: ChangeFeed;
  /** open delegations with purposes recorded; one frozen list per distinct set */
  #byId = new Map<string, readonly string[]>();
  readonly #lists = new Map<string, readonly string[]>();
  #unsubscribe: (() => void) | null = null;
  #following = false;

  constructor(db: Db, feed: ChangeFeed) {
    this.#db = db;
    this.#feed = feed;
  }

  async load(): Promise<void> {
    const byId = new Map<string, readonly string[]>();
    // one cursor, not keyset pages: under row-level security each page sorted the whole table (read-in-chunks.ts)
    await asSystem(() =>
      forEachChunk(this.#db, prepo.listOpenWithPurposes, PAGE, (rows) => {
        for (const r of rows) byId.set(r.id, this.#list(r.purposes));
      }),
    );
    this.#byId = byId;
    if (this.#following) return;
    this.#unsubscribe ??= this.#feed.subscribe(async (events) => {
      const ids = [...new Set(events.filter((e) => e.entity === 'delegation').map((e) => e.entityId))];
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500);
        this.reread(chunk, await asSystem(() => prepo.findPurposesOf(this.#db.kysely, chunk)));
      }
    });
  }

  /**
   * Take the delegations another consumer of the change feed re-reads (the decision snapshot's
   * read carries their purposes) instead of reading them again: `register` is called once, before
   * load(), and the index then follows that read in the same pass of the feed.
   */
  follow(register: (fn: (ids: readonly string[], rows: readonly PurposeRow[]) => void) => void): void {
    if (this.#following) return;
    this.#following = true;
    register((ids, rows) => this.reread(ids, rows));
  }

  /** The delegations `ids` as just read (`rows`; an id without a row is gone). */
  reread(ids: readonly string[], rows: readonly PurposeRow[]): void {
    const seen = new Set<string>();
    for (const r of rows) {
      seen.add(r.id);
      if (r.purposes !== null && (r.status === 'active' || r.status === 'requested')) this.#byId.set(r.id, this.#list(r.purposes));
      else this.#byId.delete(r.id);
    }
    for (const id of ids) if (!seen.has(id)) this.#byId.delete(id);
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  /** The purposes an open delegation holds now (none when it records none, or is not open). */
  of(delegationId: string): readonly string[] {
    return this.#byId.get(delegationId) ?? NONE;
  }

  #list(text: string | null): readonly string[] {
    const key = text ?? '';
    let l = this.#lists.get(key);
    if (l === undefined) this.#lists.set(key, (l = parsePurposes(text)));
    return l;
  }
}

/**
 * The customer revokes one purpose of an open delegation: the others stay, and the delegation
 * stays open (with no purpose left it grants no purpose-bound route). Audited as
 * delegation.purpose_revoked, on both sides' logs.
 */
export function revokePurpose(s: DelegationSteps, ctx: RequestContext, tenantId: string, id: string, purposeId: string): Promise<repo.DelegationRow> {
  return s.write(async (trx) => {
    const d = await s.load(trx, id, { tenantId });
    if (!isOpen(d.status)) throw E.invalid_delegation_transition(PD.delegationHasNoPurposes, { values: { status: d.status } });
    const held = parsePurposes(d.purposes);
    if (!held.includes(purposeId)) throw E.purpose_not_granted(PD.accessWasNotGranted, { values: { purposeId } });
    const remaining = held.filter((p) => p !== purposeId);
    return s.update(trx, ctx, d, { purposes: JSON.stringify(remaining) }, 'delegation.purpose_revoked', { purpose: purposeId, remaining });
  });
}
