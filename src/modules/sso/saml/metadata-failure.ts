/**
 * Why the identity provider's SAML metadata could not be used, as a stable code and its figures — kept on the
 * connection when a re-read from its address fails (saml_idp_metadata_error holds the code,
 * saml_idp_metadata_error_params the figures as JSON) and said in the reader's language by the portal. A
 * failure recorded before codes were kept holds an English sentence in saml_idp_metadata_error: it is given
 * back as it is (`legacy`).
 */
import type { OutboundFailure } from '../../../platform/outbound/outbound-http.ts';

export const METADATA_FAILURE_CODES = [
  // fetching it
  'address_refused',
  'dns_failed',
  'timeout',
  'connection_failed',
  'http_status',
  'too_large',
  // reading it
  'not_xml',
  'no_identity_provider',
  'several_identity_providers',
  'no_entity_id',
  'no_sign_in_address',
  'no_signing_certificate',
  'other_identity_provider',
] as const;

export type MetadataFailureCode = (typeof METADATA_FAILURE_CODES)[number];

/** A failure's figures: `status` (http_status), `kb` (too_large), `seconds` (timeout), `now` and `before` entity ids (other_identity_provider). */
export type MetadataFailureParams = Record<string, string | number>;

export interface MetadataFailure {
  code: MetadataFailureCode;
  params: MetadataFailureParams;
}

/** An outbound refusal or network failure of the metadata fetch, as its code. */
export function fetchFailureCode(failure: OutboundFailure): MetadataFailureCode {
  switch (failure) {
    case 'url_not_allowed':
    case 'address_not_allowed':
      return 'address_refused';
    case 'dns_failed':
      return 'dns_failed';
    case 'timeout':
      return 'timeout';
    default:
      return 'connection_failed';
  }
}

const CODES = new Set<string>(METADATA_FAILURE_CODES);

/** The stored columns → the failure (a code and its figures), an English sentence written before codes were kept, or none. */
export function readMetadataFailure(error: string | null, params: string | null): { failure: MetadataFailure | null; legacy: string | null } {
  if (error === null) return { failure: null, legacy: null };
  if (!CODES.has(error)) return { failure: null, legacy: error };
  let figures: MetadataFailureParams = {};
  try {
    const parsed: unknown = params ? JSON.parse(params) : {};
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) figures = parsed as MetadataFailureParams;
  } catch {
    // figures that do not parse are left out: the code alone is still said
  }
  return { failure: { code: error as MetadataFailureCode, params: figures }, legacy: null };
}
