/**
 * A SAML connection's single logout and our certificate: whether signing out here is passed on to the provider
 * (it is when the provider's metadata names a single logout address), our own single logout address to copy, and
 * our certificate rotated with an overlap — prepare a new one (published beside the current one), switch to it,
 * remove the old one — each with its fingerprint and dates in words.
 */
import { FormattedMessage, useIntl } from 'react-intl';
import { Alert, Button, Code, Group, Stack, Text } from '@mantine/core';
import { ssoApi, type SsoConnection, type SsoOrg } from '../../api/sso.ts';
import { ssoKeys } from '../../api/keys/sso.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatDate } from '../../components/format.ts';
import { useApiMutation } from '../../query/query.ts';
import { defineMessages } from '../../i18n/define.ts';
import { CopyField } from '../Domains/DomainParts.tsx';

const m = defineMessages({
  signOutTitle: { id: 'single_sign_on.saml.slo.title', defaultMessage: 'Signing out' },
  passedOn: {
    id: 'single_sign_on.saml.slo.passed_on',
    defaultMessage: 'Signing out is passed on: when someone signs out here, your provider signs them out too, and when they sign out at your provider, their sessions here end.',
  },
  notPassedOn: {
    id: 'single_sign_on.saml.slo.not_passed_on',
    defaultMessage: 'Signing out here is not passed on to your provider: its metadata names no single logout address. Someone who signs out here stays signed in at your provider.',
  },
  binding: {
    id: 'single_sign_on.saml.slo.binding',
    defaultMessage:
      '{binding, select, post {Our sign-out messages reach your provider by form post: the browser passes through a short page of ours that sends them.} other {Our sign-out messages reach your provider by redirect.}}',
  },
  sloUrl: { id: 'single_sign_on.saml.slo.url', defaultMessage: 'Our single logout address (also in our metadata), for your provider' },
  sloUrlCopy: { id: 'single_sign_on.saml.slo.url_copy', defaultMessage: 'our single logout address' },
  certTitle: { id: 'single_sign_on.saml.cert.title', defaultMessage: 'Our certificate' },
  current: {
    id: 'single_sign_on.saml.cert.current',
    defaultMessage: 'Your provider must have this certificate: we sign our requests with it, and your provider encrypts its answers to it. It is valid until {until}. Fingerprint (SHA-256):',
  },
  next: {
    id: 'single_sign_on.saml.cert.next',
    defaultMessage: 'A new certificate is ready, valid until {until}. It is already in our metadata beside the current one. Give your provider the new metadata, then switch: from then on your provider must have the new one. Fingerprint (SHA-256):',
  },
  previous: {
    id: 'single_sign_on.saml.cert.previous',
    defaultMessage: 'The old certificate still opens answers encrypted to it until {until}, so nobody is locked out while your provider catches up. After that date it is removed. Fingerprint (SHA-256):',
  },
  prepareHelp: {
    id: 'single_sign_on.saml.cert.prepare_help',
    defaultMessage: 'To change it, prepare a new certificate: it is added to our metadata, and nothing changes for sign-in until you switch.',
  },
  prepare: { id: 'single_sign_on.saml.cert.prepare', defaultMessage: 'Prepare a new certificate' },
  switch: { id: 'single_sign_on.saml.cert.switch', defaultMessage: 'Switch to the new certificate' },
  remove: { id: 'single_sign_on.saml.cert.remove', defaultMessage: 'Remove the old certificate' },
  prepared: { id: 'single_sign_on.saml.cert.prepared', defaultMessage: 'A new certificate is ready. Give your provider the new metadata.' },
  switched: { id: 'single_sign_on.saml.cert.switched', defaultMessage: 'We now use the new certificate.' },
  removed: { id: 'single_sign_on.saml.cert.removed', defaultMessage: 'The old certificate is removed.' },
});

function Fingerprint({ value, testId }: { value: string; testId: string }) {
  return (
    <Code block style={{ overflowWrap: 'anywhere', whiteSpace: 'normal' }} data-testid={testId}>
      {value}
    </Code>
  );
}

/** Whether sign-out is passed on, our single logout address, and our certificate with its rotation. */
export function SamlSignOutAndCertificates({ c, org }: { c: SsoConnection; org: SsoOrg }) {
  const intl = useIntl();
  const invalidates = [ssoKeys.of(org)];
  const prepare = useApiMutation(() => ssoApi.certificateStep(org, 'prepare'), { success: intl.formatMessage(m.prepared), invalidates });
  const switchTo = useApiMutation(() => ssoApi.certificateStep(org, 'switch'), { success: intl.formatMessage(m.switched), invalidates });
  const remove = useApiMutation(() => ssoApi.certificateStep(org, 'remove-old'), { success: intl.formatMessage(m.removed), invalidates });
  const saml = c.saml;
  if (!saml) return null;
  const { current, next, previous } = saml.sp_certificates;
  return (
    <Stack gap="sm">
      <Stack gap="xs" data-testid="sso-saml-slo">
        <Text size="sm" fw={500}>
          <FormattedMessage {...m.signOutTitle} />
        </Text>
        <Text size="sm">{intl.formatMessage(saml.idp_slo ? m.passedOn : m.notPassedOn)}</Text>
        {saml.idp_slo_binding && (
          <Text size="sm" data-testid="sso-saml-slo-binding">
            {intl.formatMessage(m.binding, { binding: saml.idp_slo_binding })}
          </Text>
        )}
        <CopyField label={intl.formatMessage(m.sloUrl)} copyLabel={intl.formatMessage(m.sloUrlCopy)} value={saml.slo_url} testId="sso-saml-slo-url" />
      </Stack>
      {current && (
        <Stack gap="xs" data-testid="sso-saml-certificate">
          <Text size="sm" fw={500}>
            <FormattedMessage {...m.certTitle} />
          </Text>
          <Text size="sm">{intl.formatMessage(m.current, { until: formatDate(current.valid_until) })}</Text>
          <Fingerprint value={current.fingerprint} testId="sso-cert-current" />
          {next ? (
            <Alert color="blue" data-testid="sso-cert-next">
              <Stack gap="xs">
                <Text size="sm">{intl.formatMessage(m.next, { until: formatDate(next.valid_until) })}</Text>
                <Fingerprint value={next.fingerprint} testId="sso-cert-next-fingerprint" />
                <Group>
                  <Button size="xs" loading={switchTo.busy} onClick={() => void switchTo.run()} data-testid="sso-cert-switch">
                    <FormattedMessage {...m.switch} />
                  </Button>
                </Group>
              </Stack>
            </Alert>
          ) : (
            <Stack gap={4}>
              <Text size="sm" c="dimmed">
                <FormattedMessage {...m.prepareHelp} />
              </Text>
              <Group>
                <Button size="xs" variant="light" loading={prepare.busy} onClick={() => void prepare.run()} data-testid="sso-cert-prepare">
                  <FormattedMessage {...m.prepare} />
                </Button>
              </Group>
            </Stack>
          )}
          {previous && (
            <Stack gap={4} data-testid="sso-cert-previous">
              <Text size="sm">{intl.formatMessage(m.previous, { until: formatDate(previous.decrypts_until) })}</Text>
              <Fingerprint value={previous.fingerprint} testId="sso-cert-previous-fingerprint" />
              <Group>
                <Button size="xs" variant="light" color="red" loading={remove.busy} onClick={() => void remove.run()} data-testid="sso-cert-remove">
                  <FormattedMessage {...m.remove} />
                </Button>
              </Group>
            </Stack>
          )}
          <ErrorAlert error={prepare.error ?? switchTo.error ?? remove.error} />
        </Stack>
      )}
    </Stack>
  );
}
