import { describe, expect, it } from 'vitest';
import { fetchFailureCode, readMetadataFailure } from './metadata-failure.ts';

describe('a metadata failure as stored', () => {
  it.each([
    ['none', null, null, { failure: null, legacy: null }],
    ['a code and its figures', 'http_status', '{"status":503}', { failure: { code: 'http_status', params: { status: 503 } }, legacy: null }],
    ['a code without figures', 'not_xml', null, { failure: { code: 'not_xml', params: {} }, legacy: null }],
    ['a code whose figures do not parse', 'too_large', '{oops', { failure: { code: 'too_large', params: {} }, legacy: null }],
    ['figures that are not an object', 'timeout', '[1,2]', { failure: { code: 'timeout', params: {} }, legacy: null }],
    ['an English sentence written before codes were kept', 'The metadata address answered with HTTP status 500.', null, { failure: null, legacy: 'The metadata address answered with HTTP status 500.' }],
  ])('%s', (_what, error, params, expected) => {
    expect(readMetadataFailure(error, params)).toEqual(expected);
  });

  it('an outbound failure maps to a code', () => {
    expect(['url_not_allowed', 'address_not_allowed', 'dns_failed', 'timeout', 'connection_failed'].map((f) => fetchFailureCode(f as never))).toEqual(['address_refused', 'address_refused', 'dns_failed', 'timeout', 'connection_failed']);
  });
});
