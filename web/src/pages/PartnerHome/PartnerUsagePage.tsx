/**
 * Partner: its own usage against the quotas the platform set for it — today's and this
 * month's requests in words, and requests per day over the last 30 days.
 */
import { FormattedMessage, useIntl } from 'react-intl';
import { Alert, Stack, Text } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { partnerLimitsApi } from '../../api/partnerLimits.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useApiQuery } from '../../query/query.ts';
import { useView } from '../../session/useView.ts';
import { UsageSummary } from '../Operator/PartnerConfiguration/UsageSummary.tsx';
import { partnerKeys } from '../../api/keys/partners.ts';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  title: { id: 'partner_home.usage.title', defaultMessage: 'Usage' },
  description: {
    id: 'partner_home.usage.description',
    defaultMessage: "Requests {partner}'s people and apps made through the platform, against the limits the platform set for you.",
  },
  noLimit: { id: 'partner_home.usage.no_limit', defaultMessage: 'No daily or monthly limit is set for you. Per-minute limits still apply.' },
  footnote: { id: 'partner_home.usage.footnote', defaultMessage: 'Counts are updated every few seconds. Days run from midnight to midnight UTC.' },
});

export function PartnerUsagePage() {
  const intl = useIntl();
  const p = useView().partner!;
  const usage = useApiQuery(partnerKeys.usage(p.partner_id), () => partnerLimitsApi.usage(p.partner_id));
  const u = usage.data;
  return (
    <>
      <PageHeader title={intl.formatMessage(m.title)} description={intl.formatMessage(m.description, { partner: p.name })} />
      <Stack gap="md">
        {usage.error ? <ErrorAlert error={usage.error} /> : <UsageSummary usage={u} loading={usage.loading} />}
        {u && u.daily_quota === null && u.monthly_quota === null && (
          <Alert variant="light" icon={<IconInfoCircle size={16} />}>
            <FormattedMessage {...m.noLimit} />
          </Alert>
        )}
        <Text size="xs" c="dimmed">
          <FormattedMessage {...m.footnote} />
        </Text>
      </Stack>
    </>
  );
}
