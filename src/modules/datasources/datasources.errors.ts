import { defineErrors } from '../../platform/errors/app-error.ts';
import { registerUniqueConstraint } from '../../platform/errors/db-errors.ts';

export const dataSourceErrors = defineErrors('datasources', {
  data_source_not_found: { status: 404, title: 'Data source not found' },
  data_source_built_in: { status: 409, title: 'The built-in demo source has no token and cannot be changed' },
  data_source_revoked: { status: 409, title: 'The data source is revoked' },
  data_source_name_taken: { status: 409, title: 'Another data source has this name' },
  data_source_scope_unknown: { status: 400, title: 'A customer or partner named in the scope does not exist' },
  sync_token_invalid: { status: 401, title: 'The data source token is unknown, rotated or revoked' },
  sync_batch_too_large: { status: 413, title: 'The batch is too large' },
  sync_batch_empty: { status: 400, title: 'The batch has no lines' },
  sync_content_type: { status: 415, title: 'Send the batch as application/x-ndjson' },
  sync_busy: { status: 503, title: 'The instance is applying as many batches as it takes at once' },
  held_line_not_found: { status: 404, title: 'Held line not found' },
  write_route_unknown: { status: 400, title: 'No gateway route of that name takes these writes' },
  write_source_unfit: { status: 400, title: 'The data source cannot bring these records back' },
  // per-line refusals (a line's problem in the batch's results, never the batch's status)
  line_malformed: { status: 400, title: 'The line is not a valid sync line' },
  kind_not_owned: { status: 403, title: 'The source does not own this kind of record' },
  tenant_out_of_scope: { status: 403, title: 'The source may not write for this customer' },
  ban_in_other_tenant: { status: 409, title: 'The billing account number belongs to another customer' },
  record_conflict: { status: 409, title: 'The record clashes with an existing one' },
  payment_immutable: { status: 409, title: 'A payment cannot change once applied' },
});

registerUniqueConstraint('data_sources_name_key', 'data_source_name_taken', 'Another data source already has this name.');
