/**
 * Operator: which catalog features a partner has. Each feature follows the catalog's
 * default unless the operator sets it for this partner: on, off, or back to the default.
 */
import { Badge, Group, SegmentedControl, Stack, Text } from '@mantine/core';
import { featuresApi, type FeatureDto } from '../../../api/features.ts';
import { LIFECYCLE_LABELS } from '../../../components/lifecycleLabels.ts';
import { DataTable } from '../../../components/DataTable.tsx';
import { ErrorAlert } from '../../../components/ErrorAlert.tsx';
import { useApiMutation, useApiQuery } from '../../../query/query.ts';
import { featureKeys } from '../../../api/keys/features.ts';
import { partnerKeys } from '../../../api/keys/partners.ts';
import { usePartnerConfiguration } from './usePartnerConfiguration.ts';
import { useIntl } from 'react-intl';
import { defineMessages } from '../../../i18n/define.ts';

const m = defineMessages({
  saved: { id: 'operator.partner_config.features.saved', defaultMessage: 'Saved. The partner has it from its next request.' },
  empty: { id: 'operator.partner_config.features.empty', defaultMessage: 'The feature catalog is empty. Add features on the Feature catalog page.' },
  feature: { id: 'operator.partner_config.features.column.feature', defaultMessage: 'Feature' },
  maySwitch: { id: 'operator.partner_config.features.may_switch', defaultMessage: 'Partner may switch' },
  now: { id: 'operator.partner_config.features.column.now', defaultMessage: 'For this partner now' },
  on: { id: 'operator.partner_config.features.on', defaultMessage: 'On' },
  off: { id: 'operator.partner_config.features.off', defaultMessage: 'Off' },
  why: {
    id: 'operator.partner_config.features.why',
    defaultMessage: '({why, select, retired {retired} default {platform default: {on, select, yes {on} other {off}}} other {set for this partner}})',
  },
  setting: { id: 'operator.partner_config.features.column.setting', defaultMessage: 'Setting' },
  forPartner: { id: 'operator.partner_config.features.for_partner', defaultMessage: '{feature} for this partner' },
  default: { id: 'operator.partner_config.features.default', defaultMessage: 'Default' },
});

type Choice = 'default' | 'on' | 'off';

export function FeaturesTab({ partnerId }: { partnerId: string }) {
  const intl = useIntl();
  const catalog = useApiQuery(featureKeys.catalog, () => featuresApi.catalog());
  const config = usePartnerConfiguration(partnerId);
  const own = config.data?.config.features ?? {};
  const save = useApiMutation(
    (key: string, choice: Choice) => {
      const next = { ...own };
      if (choice === 'default') delete next[key];
      else next[key] = choice === 'on';
      return featuresApi.putSection(partnerId, 'features', Object.keys(next).length ? next : null, config.data?.version);
    },
    { success: intl.formatMessage(m.saved), notifyError: true, invalidates: [partnerKeys.of(partnerId)] },
  );
  const rows = (catalog.data?.data ?? []).filter((f) => f.lifecycle !== 'retired' || own[f.key] !== undefined);
  const choiceOf = (f: FeatureDto): Choice => (own[f.key] === undefined ? 'default' : own[f.key] ? 'on' : 'off');
  const effective = (f: FeatureDto) => f.lifecycle !== 'retired' && (own[f.key] ?? f.default_on);
  return (
    <Stack gap="sm">
      <ErrorAlert error={catalog.error ?? config.error} />
      <DataTable
        testId="partner-features"
        records={rows}
        rowKey={(f) => f.key}
        loading={catalog.loading || config.loading}
        empty={intl.formatMessage(m.empty)}
        rowProps={(f) => ({ 'data-feature': f.key })}
        columns={[
          {
            key: 'name',
            title: intl.formatMessage(m.feature),
            mobile: 'title',
            render: (f) => (
              <Stack gap={2}>
                <Group gap="xs">
                  <Text fw={500}>{f.name}</Text>
                  {f.lifecycle !== 'general' && (
                    <Badge size="xs" variant="light" color={f.lifecycle === 'beta' ? 'grape' : 'gray'}>
                      {intl.formatMessage(LIFECYCLE_LABELS[f.lifecycle])}
                    </Badge>
                  )}
                  {f.opt_in && (
                    <Badge size="xs" variant="outline">
                      {intl.formatMessage(m.maySwitch)}
                    </Badge>
                  )}
                </Group>
                <Text size="xs" c="dimmed">
                  {f.description}
                </Text>
              </Stack>
            ),
          },
          {
            key: 'now',
            title: intl.formatMessage(m.now),
            render: (f) => (
              <Text size="sm" data-testid="feature-effective">
                {intl.formatMessage(effective(f) ? m.on : m.off)}
                <Text span size="xs" c="dimmed">
                  {' '}
                  {intl.formatMessage(m.why, { why: f.lifecycle === 'retired' ? 'retired' : own[f.key] === undefined ? 'default' : 'own', on: f.default_on ? 'yes' : 'no' })}
                </Text>
              </Text>
            ),
          },
          {
            key: 'set',
            title: intl.formatMessage(m.setting),
            mobile: 'footer',
            render: (f) => (
              <SegmentedControl
                size="xs"
                aria-label={intl.formatMessage(m.forPartner, { feature: f.name })}
                value={choiceOf(f)}
                disabled={save.busy || !config.data}
                onChange={(v) => void save.run(f.key, v as Choice)}
                data={[
                  { value: 'default', label: intl.formatMessage(m.default) },
                  { value: 'on', label: intl.formatMessage(m.on), disabled: f.lifecycle === 'retired' },
                  { value: 'off', label: intl.formatMessage(m.off) },
                ]}
              />
            ),
          },
        ]}
      />
    </Stack>
  );
}
