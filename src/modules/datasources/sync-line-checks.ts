/**
 * The checks a sync line passes before anything is written, shared by the applier (sync-apply.ts),
 * which writes what they decide, and the check-only path (sync-check.ts), which says what applying
 * would do: the line and a kind the source owns; a version newer than the one applied; then what the
 * line names, resolved as the batch sees it — a customer by its reference, a billing account by its
 * number, an invoice of this source by its external id, each either committed or made by an earlier
 * line of the same batch (the lookups are the caller's: the applier reads its own transaction, the
 * check-only path its own record of what the lines before would have made). A line naming something
 * not known yet is held (Held); one the source may not write is refused (an AppError).
 */
import type { AppError } from '../../platform/errors/app-error.ts';
import { problemFrom } from '../../platform/errors/problem.ts';
import { newId } from '../../platform/ids.ts';
import { dataSourceErrors as E } from './datasources.errors.ts';
import type { SyncRecordRow } from './datasources.repo.ts';
import { LINE_KINDS, parseLine, type ParsedLine } from './sync-lines.ts';
import { Held, type LineResult, type SyncLineInput, type SyncSource } from './sync-types.ts';
import { ID_PREFIX, type Ba } from './sync-writers.ts';

export type LineHead = { kind: string | null; external_id: string | null };

/** What resolving a line reads, as the batch sees it (earlier lines' records included). */
export interface LineLookups {
  /** this source's record of an external id (a deleted one too), or undefined */
  existing(kind: string, externalId: string): Promise<SyncRecordRow | undefined>;
  /** a billing account by number, or undefined */
  findBan(number: string): Promise<Ba | undefined>;
  /** a customer's id by its reference (slug), or undefined */
  tenantByRef(ref: string): Promise<string | undefined>;
}

/** What applying a line would do, once what it names is resolved. */
export type LinePlan =
  | { do: 'nothing'; reason: string }
  | { do: 'delete'; record: SyncRecordRow }
  /** the same content: only the version moves */
  | { do: 'touch'; record: SyncRecordRow }
  /** write the record `id` for `tenantId` (a payment: on `invoice`) */
  | { do: 'write'; id: string; tenantId: string; ban: Ba | null; billTo: Ba | null; invoice: { id: string; tenant_id: string } | null; live: SyncRecordRow | undefined };

export function rejectLine(requestId: string, input: SyncLineInput, err: AppError, head: LineHead): LineResult {
  const problem = problemFrom(err, requestId);
  problem.line = input.line;
  return { line: input.line, ...head, status: 'rejected', problem };
}

/** The checks every line passes first, without I/O: the line, and a kind the source owns. */
export function checkLine(source: SyncSource, input: SyncLineInput, requestId: string): { l: ParsedLine; head: LineHead } | { done: LineResult } {
  const raw = input.value as { kind?: unknown; external_id?: unknown } | null;
  const head = { kind: typeof raw?.kind === 'string' ? raw.kind : null, external_id: typeof raw?.external_id === 'string' ? raw.external_id : null };
  if (input.parseError) return { done: rejectLine(requestId, input, E.line_malformed(`Line ${input.line} is not valid JSON: ${input.parseError}`), head) };
  const parsed = parseLine(input.value);
  if (!parsed.ok) return { done: rejectLine(requestId, input, E.line_malformed(`Line ${input.line}: ${parsed.detail}`, { fields: parsed.errors }), head) };
  const l = parsed.line;
  if (!source.kinds.includes(LINE_KINDS[l.kind])) return { done: rejectLine(requestId, input, E.kind_not_owned(`Line ${input.line}: this source is not set up to send ${LINE_KINDS[l.kind].replace('_', ' ')}.`), head) };
  return { l, head };
}

export function unchangedResult(input: SyncLineInput, head: LineHead, existing: SyncRecordRow, version: string): LineResult {
  return { line: input.line, ...head, status: 'unchanged', record_id: existing.deleted ? null : existing.record_id, reason: existing.version === version ? 'This version was applied before.' : 'A newer version was applied before; this older one is ignored.' };
}

/** A line checked and its record looked up; done when it is refused or its version is not newer. */
export async function lineBefore(source: SyncSource, input: SyncLineInput, requestId: string, look: Pick<LineLookups, 'existing'>): Promise<{ l: ParsedLine; head: LineHead; existing: SyncRecordRow | undefined } | { done: LineResult }> {
  const c = checkLine(source, input, requestId);
  if ('done' in c) return c;
  const existing = await look.existing(c.l.kind, c.l.externalId);
  if (existing && existing.version >= c.l.version) return { done: unchangedResult(input, c.head, existing, c.l.version) };
  return { ...c, existing };
}

export function inScope(source: SyncSource, tenantId: string): void {
  if (source.tenantIds !== null && !source.tenantIds.has(tenantId)) throw E.tenant_out_of_scope('This source may not write records for that customer.');
}

async function tenantOf(look: LineLookups, ref: string): Promise<string> {
  const t = await look.tenantByRef(ref);
  if (!t) throw new Held(`tenant:${ref}`, `No customer with the reference ${ref} is known yet; the line waits until it appears.`);
  return t;
}

async function banOf(look: LineLookups, number: string): Promise<Ba> {
  const b = await look.findBan(number);
  if (!b) throw new Held(`ban:${number}`, `No billing account ${number} is known yet; the line waits until it appears.`);
  return b;
}

/**
 * What applying a line (newer than its record) would do, with what it names resolved; throws Held
 * when something it names is not known yet, and an AppError when the source may not write it.
 */
export async function planLine(source: SyncSource, l: ParsedLine, existing: SyncRecordRow | undefined, look: LineLookups): Promise<LinePlan> {
  if (l.deleted) {
    if (!existing || existing.deleted) return { do: 'nothing', reason: 'There is no record to delete.' };
    inScope(source, existing.tenant_id);
    return { do: 'delete', record: existing };
  }
  if (existing && !existing.deleted && existing.content_hash === l.contentHash) return { do: 'touch', record: existing };
  if (l.kind === 'payment' && existing && !existing.deleted) throw E.payment_immutable('This payment was applied before with other values; send a correction as an update of the invoice.');

  const live = existing && !existing.deleted ? existing : undefined;
  const d = l.data;
  let tenantId: string;
  let ban: Ba | null = null;
  let billTo: Ba | null = null;
  let invoice: { id: string; tenant_id: string } | null = null;
  if (l.kind === 'billing_account') {
    tenantId = await tenantOf(look, String(d.tenant_ref));
    const other = await look.findBan(String(d.account_number));
    if (other && other.tenant_id !== tenantId) throw E.ban_in_other_tenant(`Billing account ${String(d.account_number)} belongs to another customer.`);
    if (other && live && other.id !== live.record_id) throw E.ban_in_other_tenant(`Billing account ${String(d.account_number)} is already another account of this customer.`);
    ban = other ?? null;
  } else if (l.kind === 'payment') {
    const inv = await look.existing('invoice', String(d.invoice_external_id));
    if (!inv || inv.deleted) throw new Held(`invoice:${source.id}:${String(d.invoice_external_id)}`, `No invoice ${String(d.invoice_external_id)} from this source is known yet; the payment waits until it appears.`);
    invoice = { id: inv.record_id, tenant_id: inv.tenant_id };
    tenantId = inv.tenant_id;
  } else if (l.kind === 'ticket' && !d.ban) {
    tenantId = await tenantOf(look, String(d.tenant_ref));
  } else {
    ban = await banOf(look, String(d.ban));
    tenantId = ban.tenant_id;
    if (l.kind === 'ticket' && d.tenant_ref) {
      const t = await tenantOf(look, String(d.tenant_ref));
      if (t !== tenantId) throw E.record_conflict(`Billing account ${String(d.ban)} is not an account of customer ${String(d.tenant_ref)}.`);
    }
    if (l.kind === 'order' && d.bill_to_ban) billTo = await banOf(look, String(d.bill_to_ban));
  }
  inScope(source, tenantId);
  if (live && live.tenant_id !== tenantId) inScope(source, live.tenant_id);
  // a record keeps its id, even when it moves customer (deleted there, written again here)
  const id = (l.kind === 'billing_account' ? ban?.id : undefined) ?? live?.record_id ?? newId(ID_PREFIX[l.kind]);
  return { do: 'write', id, tenantId, ban, billTo, invoice, live };
}

/**
 * A billing account written by a line, as the batch's later lines find it before the batch commits:
 * under its number, and no longer under an old one when it was renumbered.
 */
export function noteBan(bans: Map<string, Ba>, noBans: Set<string>, number: string, id: string, tenantId: string, renumbered: boolean): void {
  if (renumbered) for (const [n, b] of bans) if (b.id === id) bans.delete(n);
  bans.set(number, { id, tenant_id: tenantId });
  noBans.delete(number);
}
