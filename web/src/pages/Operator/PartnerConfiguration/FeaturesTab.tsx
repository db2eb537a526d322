/**
 * Operator: which catalog features a partner has. Each feature follows the catalog's
 * default unless the operator sets it for this partner: on, off, or back to the default.
 */
import { Badge, Group, SegmentedControl, Stack, Text } from '@mantine/core';
import { featuresApi, LIFECYCLE_LABELS, type FeatureDto } from '../../../api/features.ts';
import { DataTable } from '../../../components/DataTable.tsx';
import { ErrorAlert } from '../../../components/ErrorAlert.tsx';
import { useApiMutation, useApiQuery } from '../../../query/query.ts';
import { featureKeys } from '../../../api/keys/features.ts';
import { partnerKeys } from '../../../api/keys/partners.ts';
import { usePartnerConfiguration } from './usePartnerConfiguration.ts';

type Choice = 'default' | 'on' | 'off';

export function FeaturesTab({ partnerId }: { partnerId: string }) {
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
    { success: 'Saved. The partner has it from its next request.', notifyError: true, invalidates: [partnerKeys.of(partnerId)] },
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
        empty="The feature catalog is empty. Add features on the Feature catalog page."
        rowProps={(f) => ({ 'data-feature': f.key })}
        columns={[
          {
            key: 'name',
            title: 'Feature',
            mobile: 'title',
            render: (f) => (
              <Stack gap={2}>
                <Group gap="xs">
                  <Text fw={500}>{f.name}</Text>
                  {f.lifecycle !== 'general' && (
                    <Badge size="xs" variant="light" color={f.lifecycle === 'beta' ? 'grape' : 'gray'}>
                      {LIFECYCLE_LABELS[f.lifecycle]}
                    </Badge>
                  )}
                  {f.opt_in && (
                    <Badge size="xs" variant="outline">
                      Partner may switch
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
            title: 'For this partner now',
            render: (f) => (
              <Text size="sm" data-testid="feature-effective">
                {effective(f) ? 'On' : 'Off'}
                <Text span size="xs" c="dimmed">
                  {' '}
                  ({f.lifecycle === 'retired' ? 'retired' : own[f.key] === undefined ? `platform default: ${f.default_on ? 'on' : 'off'}` : 'set for this partner'})
                </Text>
              </Text>
            ),
          },
          {
            key: 'set',
            title: 'Setting',
            mobile: 'footer',
            render: (f) => (
              <SegmentedControl
                size="xs"
                aria-label={`${f.name} for this partner`}
                value={choiceOf(f)}
                disabled={save.busy || !config.data}
                onChange={(v) => void save.run(f.key, v as Choice)}
                data={[
                  { value: 'default', label: 'Default' },
                  { value: 'on', label: 'On', disabled: f.lifecycle === 'retired' },
                  { value: 'off', label: 'Off' },
                ]}
              />
            ),
          },
        ]}
      />
    </Stack>
  );
}
