/**
 * Why the provider's SAML metadata could not be read again, said from the failure's code and figures (the
 * server keeps no sentence), and how often it is read: in the reader's language.
 */
import type { IntlShape } from 'react-intl';
import type { SsoConnection } from '../../api/sso.ts';
import { defineMessages, type Message } from '../../i18n/define.ts';

type Failure = NonNullable<NonNullable<SsoConnection['saml']>['idp_metadata_failure']>;

const REASONS: Record<Failure['code'], Message> = defineMessages({
  address_refused: {
    id: 'single_sign_on.saml.metadata.failure.address_refused',
    defaultMessage: 'Its address is refused: it is on a private or reserved network, or it is not an http or https address.',
  },
  dns_failed: { id: 'single_sign_on.saml.metadata.failure.dns_failed', defaultMessage: 'The host name in its address could not be found.' },
  timeout: { id: 'single_sign_on.saml.metadata.failure.timeout', defaultMessage: '{seconds, plural, one {Its address gave no complete answer within # second.} other {Its address gave no complete answer within # seconds.}}' },
  connection_failed: { id: 'single_sign_on.saml.metadata.failure.connection_failed', defaultMessage: 'Its address could not be reached.' },
  http_status: { id: 'single_sign_on.saml.metadata.failure.http_status', defaultMessage: 'Its address answered with HTTP status {status}.' },
  too_large: { id: 'single_sign_on.saml.metadata.failure.too_large', defaultMessage: 'The metadata is larger than {kb} KB.' },
  not_xml: { id: 'single_sign_on.saml.metadata.failure.not_xml', defaultMessage: 'What its address returned is not well-formed XML.' },
  no_identity_provider: { id: 'single_sign_on.saml.metadata.failure.no_identity_provider', defaultMessage: 'What its address returned describes no SAML identity provider.' },
  several_identity_providers: {
    id: 'single_sign_on.saml.metadata.failure.several_identity_providers',
    defaultMessage: 'The metadata describes several identity providers; give the address of the one to use.',
  },
  no_entity_id: { id: 'single_sign_on.saml.metadata.failure.no_entity_id', defaultMessage: 'The identity provider in it has no identifier (entity ID).' },
  no_sign_in_address: { id: 'single_sign_on.saml.metadata.failure.no_sign_in_address', defaultMessage: 'The identity provider in it has no sign-in address for the HTTP-Redirect binding.' },
  no_signing_certificate: { id: 'single_sign_on.saml.metadata.failure.no_signing_certificate', defaultMessage: 'The identity provider in it publishes no signing certificate.' },
  other_identity_provider: {
    id: 'single_sign_on.saml.metadata.failure.other_identity_provider',
    defaultMessage: 'The metadata now describes another identity provider ({now}, not {before}).',
  },
});

const m = defineMessages({
  every: {
    id: 'single_sign_on.saml.metadata.read_every',
    defaultMessage:
      '{unit, select, day {{n, plural, one {It is read again every day.} other {It is read again every # days.}}} hour {{n, plural, one {It is read again every hour.} other {It is read again every # hours.}}} other {{n, plural, one {It is read again every minute.} other {It is read again every # minutes.}}}}',
  },
});

/** The reason in the reader's language; a failure recorded before codes were kept is its stored sentence. */
export function metadataFailureReason(intl: IntlShape, failure: Failure | null, legacy: string | null): string | null {
  if (failure) return intl.formatMessage(REASONS[failure.code], failure.params);
  return legacy;
}

/** "It is read again every day / 6 hours / 30 minutes." */
export function metadataReadEvery(intl: IntlShape, seconds: number): string {
  if (seconds % 86_400 === 0) return intl.formatMessage(m.every, { unit: 'day', n: seconds / 86_400 });
  if (seconds % 3_600 === 0) return intl.formatMessage(m.every, { unit: 'hour', n: seconds / 3_600 });
  return intl.formatMessage(m.every, { unit: 'minute', n: Math.max(1, Math.round(seconds / 60)) });
}
