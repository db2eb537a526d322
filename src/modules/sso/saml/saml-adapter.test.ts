/**
 * node-saml's error messages → our refusals, as a table: node-saml throws plain Errors, so the words
 * are the contract; each message below is one node-saml 5 throws (lib/saml.js). A library upgrade
 * that rewords one fails here (and in test/api/sso/saml-adapter.test.ts, which provokes each for real).
 */
import { SamlStatusError } from '@node-saml/node-saml';
import { describe, expect, it } from 'vitest';
import { SsoProtocolError, type SsoRefusal } from '../sso.types.ts';
import { refusalOf } from './saml-adapter.ts';

describe('refusalOf', () => {
  it.each<[string, SsoRefusal]>([
    ['InResponseTo is not valid', 'sso.unsolicited'],
    ['InResponseTo is missing from response', 'sso.unsolicited'],
    ['InResponseTo does not match subjectInResponseTo', 'sso.unsolicited'],
    ['SubjectInResponseTo is not valid', 'sso.unsolicited'],
    ['SAML assertion expired: clocks skewed too much', 'sso.response_expired'],
    ['SAML assertion expired: assertion too old', 'sso.response_expired'],
    ['SAML assertion not yet valid', 'sso.response_expired'],
    ['No valid subject confirmation found among those available in the SAML assertion', 'sso.response_expired'],
    ['SAML assertion audience mismatch. Expected: a Received: b', 'sso.wrong_audience'],
    ['SAML assertion has no AudienceRestriction', 'sso.wrong_audience'],
    ['Invalid signature', 'sso.response_invalid'],
    ['Invalid document signature', 'sso.response_invalid'],
    ['Invalid signature: multiple assertions', 'sso.response_invalid'],
    ['No decryption key for encrypted SAML response', 'sso.response_invalid'],
    ['Missing SAML assertion', 'sso.response_invalid'],
    ['[xmldom error]\tinvalid doc source', 'sso.response_invalid'],
  ])('%s → %s', (message, code) => {
    const r = refusalOf(new Error(message));
    expect(r).toBeInstanceOf(SsoProtocolError);
    expect(r.code).toBe(code);
  });

  it("the provider's own error status is its refusal; our own refusals pass through", () => {
    expect(refusalOf(new SamlStatusError('SAML provider returned Responder error: RequestDenied', '<Status/>')).code).toBe('sso.provider_refused');
    const own = new SsoProtocolError('sso.missing_email', 'no e-mail');
    expect(refusalOf(own)).toBe(own);
    expect(refusalOf('a string thrown').code).toBe('sso.response_invalid');
  });
});
