/**
 * For an app whose keys are at an address: what Partnergate last read there — when, how many keys,
 * each by id and algorithm — and, when the last read failed, why in plain words and what that means
 * for the app's signatures. The server reads the address at once if it never did.
 */
import { FormattedMessage, useIntl, type IntlShape } from 'react-intl';
import { Alert, Loader, Group, Stack, Text } from '@mantine/core';
import { appsApi, type AppDto, type AppKeySetDto } from '../../api/apps.ts';
import { appKeys } from '../../api/keys/apps.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { timeAgo } from '../../components/format.ts';
import { useApiQuery } from '../../query/query.ts';
import { m } from './AppKeysSection.messages.ts';

type Key = { kid?: string | null; alg?: string | null; kty?: string; crv?: string | null };

/** The keys by id and algorithm, as a list. */
export function KeyLines({ keys, testId }: { keys: Key[]; testId: string }) {
  const intl = useIntl();
  return (
    <Stack gap={2} component="ul" style={{ margin: 0, paddingInlineStart: '1.2rem' }} data-testid={testId}>
      {keys.map((k, i) => (
        <Text key={`${k.kid ?? ''}-${i}`} size="sm" component="li">
          <FormattedMessage {...m.keyLine} values={{ kid: k.kid ?? intl.formatMessage(m.noKid), alg: k.alg ?? intl.formatMessage(m.anyAlg, { kty: `${k.kty ?? ''}${k.crv ? ` ${k.crv}` : ''}` }) }} />
        </Text>
      ))}
    </Stack>
  );
}

function failureWords(intl: IntlShape, f: NonNullable<AppKeySetDto['failure']>, address: string): string {
  const host = URL.canParse(address) ? new URL(address).host : address;
  switch (f.code) {
    case 'url_not_allowed': return intl.formatMessage(m.failUrl);
    case 'address_not_allowed': return intl.formatMessage(m.failAddress);
    case 'dns_failed': return intl.formatMessage(m.failDns, { host });
    case 'timeout': return intl.formatMessage(m.failTimeout);
    case 'bad_status': return intl.formatMessage(m.failStatus, { status: f.status ?? '' });
    case 'too_large': return intl.formatMessage(m.failTooLarge);
    case 'not_a_key_set': return intl.formatMessage(m.failNotKeySet);
    default: return intl.formatMessage(m.failConnection);
  }
}

export function AppKeySetStatus({ partnerId, app }: { partnerId: string; app: AppDto }) {
  const intl = useIntl();
  const address = app.jwks_uri ?? '';
  const q = useApiQuery(appKeys.keySet(partnerId, app.id, address), () => appsApi.keySet(partnerId, app.id));
  const where = <span data-technical="">{address}</span>;
  if (q.error) return <ErrorAlert error={q.error} />;
  if (!q.data) {
    return (
      <Group gap="xs" role="status">
        <Loader size="xs" />
        <Text size="sm"><FormattedMessage {...m.reading} values={{ address: where }} /></Text>
      </Group>
    );
  }
  const set = q.data;
  return (
    <Stack gap="xs" data-testid="app-key-address">
      {set.read_at && (
        <Text size="sm" data-testid="app-key-set-summary">
          <FormattedMessage {...m.readSummary} values={{ address: where, ago: timeAgo(set.read_at), count: set.keys.length }} />
        </Text>
      )}
      {set.keys.length > 0 && <KeyLines keys={set.keys} testId="app-keys-read" />}
      {set.failure && (
        <Alert color={set.read_at ? 'yellow' : 'red'} p="xs" data-testid="app-key-set-failure">
          <Text size="sm"><FormattedMessage {...m.readFailed} values={{ address: where, ago: timeAgo(set.failure.at), reason: failureWords(intl, set.failure, address) }} /></Text>
          <Text size="sm">{intl.formatMessage(set.read_at ? m.failedKeepsOld : m.failedNoKeys)}</Text>
        </Alert>
      )}
      <Text size="xs" c="dimmed"><FormattedMessage {...m.rereadNote} /></Text>
    </Stack>
  );
}
