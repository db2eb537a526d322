/** Error codes that belong to no domain: protocol-level request problems. */
import { defineErrors } from './app-error.ts';

export const platformErrors = defineErrors('platform', {
  validation_failed: { status: 400, title: 'The request is not valid' },
  malformed_json: { status: 400, title: 'The request body is not valid JSON' },
  json_too_deep: { status: 400, title: 'The JSON body is nested too deeply' },
  invalid_id: { status: 400, title: 'An identifier in the request is malformed' },
  bad_url: { status: 400, title: 'The request path is malformed' },
  body_too_large: { status: 413, title: 'The request body is too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported content type' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'The request conflicts with the current state' },
  internal_error: { status: 500, title: 'Internal error' },
  service_unavailable: { status: 503, title: 'Service unavailable' },
  rate_limited: { status: 429, title: 'Too many requests' },
  rate_limiter_unavailable: { status: 503, title: 'The rate limiter is unavailable' },
});
