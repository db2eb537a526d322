/**
 * Partner: its own usage against the quotas the platform set for it — today's and this
 * month's requests in words, and requests per day over the last 30 days.
 */
import { Alert, Stack, Text } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { partnerLimitsApi } from '../../api/partnerLimits.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useApiQuery } from '../../query/query.ts';
import { useView } from '../../session/useView.ts';
import { UsageSummary } from '../Operator/PartnerConfiguration/UsageSummary.tsx';
import { partnerKeys } from '../../api/keys/partners.ts';

export function PartnerUsagePage() {
  const m = useView().partner!;
  const usage = useApiQuery(partnerKeys.usage(m.partner_id), () => partnerLimitsApi.usage(m.partner_id));
  const u = usage.data;
  return (
    <>
      <PageHeader title="Usage" description={`Requests ${m.name}'s people and apps made through the platform, against the limits the platform set for you.`} />
      <Stack gap="md">
        {usage.error ? <ErrorAlert error={usage.error} /> : <UsageSummary usage={u} loading={usage.loading} />}
        {u && u.daily_quota === null && u.monthly_quota === null && (
          <Alert variant="light" icon={<IconInfoCircle size={16} />}>
            No daily or monthly limit is set for you. Per-minute limits still apply.
          </Alert>
        )}
        <Text size="xs" c="dimmed">
          Counts are updated every few seconds. Days run from midnight to midnight UTC.
        </Text>
      </Stack>
    </>
  );
}
