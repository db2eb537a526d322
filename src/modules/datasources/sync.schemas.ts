/**
 * The sync API's answers as the API reference shows them (/openapi.json, the generated client):
 * one result per line, a batch's counts, a source's state per kind. They also serialize the
 * answers, so every field the service returns is here; a rejected line's problem keeps any
 * member it has (additionalProperties).
 */
import { Nullable, Type } from '../../platform/http/schemas.ts';

export const SyncLineProblem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'line_malformed, kind_not_owned, tenant_out_of_scope, ban_in_other_tenant, record_conflict, payment_immutable' }),
    line: Type.Integer({ description: 'the line number in the batch' }),
    request_id: Type.String(),
    errors: Type.Optional(Type.Array(Type.Object({ pointer: Type.String({ description: 'JSON pointer into the line, e.g. /data/due_at' }), detail: Type.String() }))),
  },
  { additionalProperties: true, description: 'RFC 9457 problem of a refused line' },
);

/** What a held line waits for, as data: the reader's portal words it in the reader's language (`reason` is English). */
export const HeldMissing = Type.Object(
  {
    kind: Type.Union([Type.Literal('billing_account'), Type.Literal('customer'), Type.Literal('invoice')]),
    key: Type.String({ description: 'the account number, customer reference or invoice external id' }),
  },
  { title: 'HeldMissing', description: 'what the line waits for' },
);

export const SyncLineResult = Type.Object(
  {
    line: Type.Integer({ description: 'the line number in the batch (blank lines are counted, not answered)' }),
    kind: Nullable(Type.String()),
    external_id: Nullable(Type.String()),
    status: Type.Union([Type.Literal('applied'), Type.Literal('unchanged'), Type.Literal('held'), Type.Literal('rejected')]),
    record_id: Type.Optional(Nullable(Type.String({ description: 'the record the line became (applied, unchanged)' }))),
    reason: Type.Optional(Type.String({ description: 'in words: why unchanged or held' })),
    missing: Type.Optional(HeldMissing),
    problem: Type.Optional(SyncLineProblem),
  },
  { title: 'SyncLineResult' },
);

export const SyncBatchResult = Type.Object(
  {
    batch_id: Type.String({ description: 'syb_… id' }),
    lines: Type.Integer(),
    applied: Type.Integer(),
    unchanged: Type.Integer(),
    held: Type.Integer(),
    rejected: Type.Integer(),
    results: Type.Array(SyncLineResult, { description: 'one per line, in order' }),
  },
  { title: 'SyncBatchResult' },
);

export const SyncState = Type.Object(
  {
    source_id: Type.String({ description: 'dsrc_… id' }),
    source_name: Type.String(),
    kinds: Type.Array(
      Type.Object({
        kind: Type.String(),
        last_version: Nullable(Type.Union([Type.Integer(), Type.String()], { description: 'the highest version (a number) or updated_at (a time) applied' })),
        last_synced_at: Nullable(Type.String()),
        records: Type.Integer(),
      }),
    ),
  },
  { title: 'SyncState' },
);

/** An NDJSON batch as the reference documents it (the route reads the text itself). */
export const SyncBatchBody = Type.String({
  description: 'NDJSON: one sync line per line — {"kind","external_id","version" or "updated_at","data" or "deleted":true}; at most 10,000 lines and 8 MiB (docs/integrators/data-sync.md)',
});
