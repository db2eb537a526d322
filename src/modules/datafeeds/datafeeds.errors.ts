import { defineErrors } from '../../platform/errors/app-error.ts';

export const dataFeedErrors = defineErrors('datafeeds', {
  stripe_source_unknown: { status: 404, title: 'No Stripe source receives webhooks at this address' },
  stripe_signature_invalid: { status: 400, title: 'The Stripe signature does not match' },
  stripe_not_configured: { status: 409, title: 'The data source is not set up for Stripe' },
  stripe_api_key_missing: { status: 409, title: 'The Stripe source has no API key for a backfill' },
  stripe_api_failed: { status: 502, title: 'Stripe did not answer as expected' },
  stripe_api_version_unsupported: { status: 400, title: 'The event is of a Stripe API version this installation does not read' },
  import_kind_unknown: { status: 404, title: 'There is no such kind of record to import' },
  import_file_invalid: { status: 400, title: 'The file cannot be read as CSV' },
  import_mapping_invalid: { status: 400, title: 'The column mapping names a field or column that does not exist' },
  import_not_confirmed: { status: 400, title: 'Applying an import needs its confirmation' },
});
