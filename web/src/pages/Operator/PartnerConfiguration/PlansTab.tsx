/** Operator: the plans this partner may offer its customers (the plan catalog's per-partner part). */
import { Paper, Text } from '@mantine/core';
import type { PartnerDto } from '../../../api/index.ts';
import { plansApi } from '../../../api/plans.ts';
import { ErrorAlert } from '../../../components/ErrorAlert.tsx';
import { useApiQuery } from '../../../query/query.ts';
import { PartnerPlanOffers } from '../../Plans/PartnerPlanOffers.tsx';
import { planKeys } from '../../../api/keys/plans.ts';
import { FormattedMessage } from 'react-intl';
import { defineMessage } from '../../../i18n/define.ts';

const noResell = defineMessage({
  id: 'operator.partner_config.plans.no_resell',
  defaultMessage: '{name} does not resell (it lacks the Wholesale kind of work), so the plans below only matter once it does.',
});

export function PartnerPlans({ partner }: { partner: PartnerDto }) {
  const catalog = useApiQuery(planKeys.catalog, () => plansApi.catalog());
  return (
    <Paper withBorder p="lg" radius="md" data-testid="partner-plans">
      {!partner.capabilities.includes('wholesale') && (
        <Text size="sm" c="dimmed" mb="sm">
          <FormattedMessage {...noResell} values={{ name: partner.name }} />
        </Text>
      )}
      <ErrorAlert error={catalog.error} />
      <PartnerPlanOffers partnerId={partner.id} partnerName={partner.name} plans={catalog.data?.data ?? []} />
    </Paper>
  );
}
