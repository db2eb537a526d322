/**
 * What the sync applier (sync-apply.ts) takes and answers: the lines of a batch, the source they
 * come from, and one result per line; and the row-level-security context a source writes under.
 */
import type { DbContext } from '../../platform/db/db-context.ts';
import type { Problem } from '../../platform/errors/problem.ts';

export type LineStatus = 'applied' | 'unchanged' | 'held' | 'rejected';

export interface LineResult {
  line: number;
  kind: string | null;
  external_id: string | null;
  status: LineStatus;
  /** the record it became (applied, unchanged) */
  record_id?: string | null;
  /** in words: why unchanged or held */
  reason?: string;
  /** held: what it waits for, as data, so a reader's portal says it in the reader's language */
  missing?: Missing;
  /** rejected: an RFC 9457 problem with the line number */
  problem?: Problem;
}

/** One line to apply: its number in the batch (1-based) and the decoded JSON (or the text that did not decode). */
export interface SyncLineInput {
  line: number;
  value: unknown;
  /** set when the line was not JSON */
  parseError?: string;
}

/** What the applier knows of a source. */
export interface SyncSource {
  id: string;
  /** its name, as its records' events name it */
  name: string;
  kinds: readonly string[];
  /** null: every customer; otherwise the tenant ids it may write for (its partners' expanded) */
  tenantIds: ReadonlySet<string> | null;
}

export interface ApplyOutcome {
  results: LineResult[];
  /** customers whose invoices changed (earnings and alerts follow them) */
  invoiceTenants: Set<string>;
  /** billing account numbers that appeared (held lines waiting for them can go) */
  newBans: Set<string>;
  /** invoices of this source that appeared (held payments waiting for them can go) */
  newInvoices: Set<string>;
}

export class Held extends Error {
  readonly missingKey: string;
  readonly words: string;
  constructor(missingKey: string, words: string) {
    super(words);
    this.missingKey = missingKey;
    this.words = words;
  }
}

/** The row-level-security context a source writes under: every row, or only its customers'. */
export function sourceDbContext(s: Pick<SyncSource, 'id' | 'tenantIds'>): DbContext {
  return s.tenantIds === null ? { kind: 'system' } : { kind: 'partner', partnerId: s.id, tenantIds: [...s.tenantIds] };
}


/** What a held line waits for: a billing account (by number), a customer (by reference) or an invoice of this source (by external id). */
export interface Missing {
  kind: 'billing_account' | 'customer' | 'invoice';
  key: string;
}

/** A held line's key (`ban:4711`, `tenant:acme`, `invoice:<source>:INV-1`) as what it waits for. */
export function missingOf(missingKey: string): Missing {
  const [k, ...rest] = missingKey.split(':');
  if (k === 'ban') return { kind: 'billing_account', key: rest.join(':') };
  if (k === 'tenant') return { kind: 'customer', key: rest.join(':') };
  return { kind: 'invoice', key: rest.slice(1).join(':') };
}
