/**
 * Why the identity provider's SAML metadata cannot be used, in the reader's language, for the problem a save
 * answers (sso-connection-row.ts): the same words the portal shows for a failed re-read (its
 * SingleSignOn/metadataFailure.ts), kept under the same ids in the server's catalog; pasted XML has no address,
 * so the two codes that speak of one have words of their own.
 */
import { defineMessages, intlFor, say, type MessageDescriptor } from '../../../platform/i18n/intl.ts';
import type { Locale } from '../../../platform/i18n/locales.ts';
import type { MetadataFailure, MetadataFailureCode } from './metadata-failure.ts';

const REASONS: Record<MetadataFailureCode, MessageDescriptor> = defineMessages({
  address_refused: { id: 'single_sign_on.saml.metadata.failure.address_refused', defaultMessage: "Its address is refused: it is on a private or reserved network, or it is not an http or https address." },
  dns_failed: { id: 'single_sign_on.saml.metadata.failure.dns_failed', defaultMessage: "The host name in its address could not be found." },
  timeout: { id: 'single_sign_on.saml.metadata.failure.timeout', defaultMessage: "{seconds, plural, one {Its address gave no complete answer within # second.} other {Its address gave no complete answer within # seconds.}}" },
  connection_failed: { id: 'single_sign_on.saml.metadata.failure.connection_failed', defaultMessage: "Its address could not be reached." },
  http_status: { id: 'single_sign_on.saml.metadata.failure.http_status', defaultMessage: "Its address answered with HTTP status {status}." },
  too_large: { id: 'single_sign_on.saml.metadata.failure.too_large', defaultMessage: "The metadata is larger than {kb} KB." },
  not_xml: { id: 'single_sign_on.saml.metadata.failure.not_xml', defaultMessage: "What its address returned is not well-formed XML." },
  no_identity_provider: { id: 'single_sign_on.saml.metadata.failure.no_identity_provider', defaultMessage: "What its address returned describes no SAML identity provider." },
  several_identity_providers: { id: 'single_sign_on.saml.metadata.failure.several_identity_providers', defaultMessage: "The metadata describes several identity providers; give the address of the one to use." },
  no_entity_id: { id: 'single_sign_on.saml.metadata.failure.no_entity_id', defaultMessage: "The identity provider in it has no identifier (entity ID)." },
  no_sign_in_address: { id: 'single_sign_on.saml.metadata.failure.no_sign_in_address', defaultMessage: "The identity provider in it has no sign-in address for the HTTP-Redirect binding." },
  no_signing_certificate: { id: 'single_sign_on.saml.metadata.failure.no_signing_certificate', defaultMessage: "The identity provider in it publishes no signing certificate." },
  other_identity_provider: { id: 'single_sign_on.saml.metadata.failure.other_identity_provider', defaultMessage: "The metadata now describes another identity provider ({now}, not {before})." },
});

const m = defineMessages({
  pastedNotXml: { id: 'single_sign_on.saml.metadata.pasted.not_xml', defaultMessage: "The metadata is not well-formed XML." },
  pastedNoIdp: { id: 'single_sign_on.saml.metadata.pasted.no_identity_provider', defaultMessage: "The metadata describes no SAML identity provider." },
  unreadableAt: { id: 'single_sign_on.saml.metadata.unreadable_at', defaultMessage: "The metadata could not be read at {url}: {reason}" },
});

/** The failure in words: of the metadata fetched from `url`, or (url null) of the XML as pasted. */
export function metadataFailureDetail(failure: MetadataFailure, url: string | null, locale: Locale): string {
  const intl = intlFor(locale);
  const pasted = url === null && failure.code === 'not_xml' ? m.pastedNotXml : url === null && failure.code === 'no_identity_provider' ? m.pastedNoIdp : null;
  const reason = say(intl, pasted ?? REASONS[failure.code], failure.params);
  return url === null ? reason : say(intl, m.unreadableAt, { url, reason });
}
