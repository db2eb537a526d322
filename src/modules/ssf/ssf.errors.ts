/** Refusals of the Shared Signals transmitter's stream management (SSF 1.0 §8.1) and of the portal's stream settings. */
import { defineErrors } from '../../platform/errors/app-error.ts';

export const ssfErrors = defineErrors('ssf', {
  ssf_token_required: { status: 401, title: "Send the app's client-credentials access token as a Bearer token" },
  ssf_token_invalid: { status: 401, title: 'The access token is not valid' },
  ssf_caller_not_app: { status: 403, title: "The token is not a partner app's own client-credentials token" },
  ssf_scope_required: { status: 403, title: 'The access token lacks the ssf.manage scope' },
  ssf_stream_not_found: { status: 404, title: 'No such stream' },
  ssf_stream_exists: { status: 409, title: 'The app has a stream already; change it, or delete it first' },
  ssf_receiver_url_not_allowed: { status: 400, title: 'The receiver address cannot be used' },
  ssf_transmitter_value_mismatch: { status: 400, title: 'A property the transmitter sets does not match its value' },
  ssf_delivery_method_unsupported: { status: 400, title: 'Only push delivery (urn:ietf:rfc:8935) is offered' },
  ssf_stream_disabled: { status: 409, title: 'The stream is disabled' },
});
