/**
 * The SAML connection's provider-side settings in plain words: whether sign-in may start at the
 * identity provider (off by default, with the risk said), and — for a provider connected by its
 * metadata address — when that metadata was last read, what went wrong on the last try (the last good
 * metadata is still used), the provider's signing certificates by fingerprint, and "Check now".
 */
import { FormattedMessage, useIntl } from 'react-intl';
import { Alert, Button, Code, Group, Stack, Switch, Text } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { ssoApi, type SsoConnection, type SsoOrg } from '../../api/sso.ts';
import { ssoKeys } from '../../api/keys/sso.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatDateTime } from '../../components/format.ts';
import { useApiMutation } from '../../query/query.ts';
import { defineMessages } from '../../i18n/define.ts';
import type { Draft, SetDraft } from './ssoDraft.ts';
import { metadataFailureReason, metadataReadEvery } from './metadataFailure.ts';

const m = defineMessages({
  idpInitiated: { id: 'single_sign_on.saml.idp_initiated', defaultMessage: 'Allow sign-in started at your identity provider' },
  idpInitiatedHelp: {
    id: 'single_sign_on.saml.idp_initiated_help',
    defaultMessage:
      'Lets people open this portal from your provider’s app list. Such a sign-in answers no request of ours, so someone holding a signed answer from your provider could sign a person in as someone else. Leave it off unless you need it. When on, only answers your provider signed are taken, each once.',
  },
  metadataTitle: { id: 'single_sign_on.saml.metadata.title', defaultMessage: 'Your provider’s metadata' },
  readAt: { id: 'single_sign_on.saml.metadata.last_read', defaultMessage: 'Last read from its address on {date}.' },
  neverRead: { id: 'single_sign_on.saml.metadata.never_read', defaultMessage: 'Not read from its address yet.' },
  failedTitle: { id: 'single_sign_on.saml.metadata.failed_title', defaultMessage: 'The last check did not work' },
  failed: {
    id: 'single_sign_on.saml.metadata.failed',
    defaultMessage: 'On {date}: {reason} Sign-in goes on with the metadata read before, so nothing changes for your people until the address answers again.',
  },
  certificates: {
    id: 'single_sign_on.saml.metadata.certificates',
    defaultMessage: '{count, plural, one {Your provider signs with this certificate (SHA-256 fingerprint):} other {Your provider signs with these # certificates (SHA-256 fingerprints):}}',
  },
  checkNow: { id: 'single_sign_on.saml.metadata.check_now', defaultMessage: 'Check now' },
  checked: { id: 'single_sign_on.saml.metadata.checked', defaultMessage: 'Your provider’s metadata was checked.' },
});

/** The switch for sign-in started at the identity provider (part of the form, saved with it). */
export function IdpInitiatedSwitch({ draft, set }: { draft: Draft; set: SetDraft }) {
  const intl = useIntl();
  return (
    <Switch
      label={intl.formatMessage(m.idpInitiated)}
      description={intl.formatMessage(m.idpInitiatedHelp)}
      checked={draft.allowIdpInitiated}
      onChange={(e) => set('allowIdpInitiated', e.currentTarget.checked)}
      data-testid="sso-idp-initiated"
    />
  );
}

/** When the provider's metadata was read from its address, the last failure, its certificates, and "Check now". */
export function SamlMetadataStatus({ c, org }: { c: SsoConnection; org: SsoOrg }) {
  const intl = useIntl();
  const check = useApiMutation(() => ssoApi.checkMetadata(org), { success: intl.formatMessage(m.checked), invalidates: [ssoKeys.of(org)] });
  const saml = c.saml;
  if (!saml?.idp_metadata_url) return null;
  const prints = saml.idp_signing_fingerprints;
  const reason = metadataFailureReason(intl, saml.idp_metadata_failure, saml.idp_metadata_error);
  return (
    <Stack gap="xs" data-testid="sso-metadata-status">
      <Text size="sm" fw={500}>
        <FormattedMessage {...m.metadataTitle} />
      </Text>
      <Text size="sm" data-testid="sso-metadata-read">
        {saml.idp_metadata_read_at ? intl.formatMessage(m.readAt, { date: formatDateTime(saml.idp_metadata_read_at) }) : intl.formatMessage(m.neverRead)} {metadataReadEvery(intl, saml.idp_metadata_refresh_seconds)}
      </Text>
      {reason && (
        <Alert color="yellow" title={intl.formatMessage(m.failedTitle)} data-testid="sso-metadata-failed">
          {intl.formatMessage(m.failed, { date: formatDateTime(saml.idp_metadata_checked_at ?? saml.idp_metadata_read_at ?? ''), reason })}
        </Alert>
      )}
      {prints.length > 0 && (
        <Stack gap={4}>
          <Text size="sm">{intl.formatMessage(m.certificates, { count: prints.length })}</Text>
          {prints.map((p) => (
            <Code key={p} block style={{ overflowWrap: 'anywhere', whiteSpace: 'normal' }}>
              {p}
            </Code>
          ))}
        </Stack>
      )}
      <ErrorAlert error={check.error} />
      {saml.metadata_check_available && (
        <Group>
          <Button variant="light" size="xs" leftSection={<IconRefresh size={14} />} loading={check.busy} onClick={() => void check.run()} data-testid="sso-metadata-check">
            <FormattedMessage {...m.checkNow} />
          </Button>
        </Group>
      )}
    </Stack>
  );
}
