/**
 * Partner: its features — what is on for the organization, and the early-access ones
 * the owner may switch on or off; the others are explained (the platform operator switches them).
 */
import { Alert, Badge, Group, Paper, SimpleGrid, Stack, Switch, Text } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { FormattedMessage, useIntl, type IntlShape } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';
import { featuresApi, type PartnerFeatureDto } from '../../api/features.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { allows } from '../../session/access.ts';
import { useView } from '../../session/useView.ts';
import { partnerKeys } from '../../api/keys/partners.ts';

const msg = defineMessages({
  switched: { id: 'features.early_access.switched', defaultMessage: '{feature} is now {on, select, yes {on} other {off}} for {partner}.' },
  title: { id: 'features.early_access.title', defaultMessage: 'Early access features' },
  description: {
    id: 'features.early_access.description',
    defaultMessage: 'The platform features {partner} has, and the early-access ones you can try before everyone else.',
  },
  ownersCan: { id: 'features.early_access.why.owners_can', defaultMessage: 'Your organization’s owners can switch this.' },
  operatorOn: { id: 'features.early_access.why.operator_on', defaultMessage: 'The platform operator switched this on for your organization.' },
  operatorOff: { id: 'features.early_access.why.operator_off', defaultMessage: 'The platform operator switched this off for your organization.' },
  everyone: { id: 'features.early_access.why.everyone', defaultMessage: 'On for every partner.' },
  notYet: {
    id: 'features.early_access.why.not_yet',
    defaultMessage: 'Not available to your organization yet. Ask the platform operator if you would like to join the early access.',
  },
  badge: { id: 'features.early_access.badge', defaultMessage: 'Early access' },
  switchAria: { id: 'features.early_access.switch_aria', defaultMessage: '{feature}: {on, select, yes {on} other {off}}' },
  on: { id: 'features.early_access.state.on', defaultMessage: 'On' },
  off: { id: 'features.early_access.state.off', defaultMessage: 'Off' },
});

export function EarlyAccessPage() {
  const intl = useIntl();
  const view = useView();
  const m = view.partner!;
  const owner = allows(m, 'partner.features.manage');
  const q = useApiQuery(partnerKeys.features(m.partner_id), () => featuresApi.mine(m.partner_id));
  const flip = useApiMutation((key: string, enabled: boolean) => featuresApi.switchMine(m.partner_id, key, enabled), {
    success: (f) => intl.formatMessage(msg.switched, { feature: f.name, on: f.enabled ? 'yes' : 'no', partner: m.name }),
    notifyError: true,
    invalidates: [partnerKeys.features(m.partner_id)],
  });
  const rows = q.data?.data ?? [];
  return (
    <>
      <PageHeader title={intl.formatMessage(msg.title)} description={intl.formatMessage(msg.description, { partner: m.name })} />
      <ErrorAlert error={q.error} />
      {!owner && (
        <Alert color="gray" icon={<IconInfoCircle size={18} />} mb="md" data-testid="early-access-owners-only">
          <FormattedMessage
            id="features.early_access.owners_only"
            defaultMessage="Only your organization's owners can switch features on or off. You can see what is on."
          />
        </Alert>
      )}
      {q.loading && (
        <Text c="dimmed">
          <FormattedMessage id="features.early_access.loading" defaultMessage="Loading features…" />
        </Text>
      )}
      {!q.loading && rows.length === 0 && (
        <Text c="dimmed">
          <FormattedMessage id="features.early_access.empty" defaultMessage="There are no switchable platform features at the moment." />
        </Text>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md" data-testid="early-access">
        {rows.map((f) => (
          <FeatureCard key={f.key} f={f} busy={flip.busy} onFlip={(on) => void flip.run(f.key, on)} />
        ))}
      </SimpleGrid>
    </>
  );
}

function why(intl: IntlShape, f: PartnerFeatureDto): string | null {
  if (f.can_switch) return null;
  if (f.opt_in) return intl.formatMessage(msg.ownersCan);
  if (f.source === 'partner') return f.enabled ? intl.formatMessage(msg.operatorOn) : intl.formatMessage(msg.operatorOff);
  return f.enabled ? intl.formatMessage(msg.everyone) : intl.formatMessage(msg.notYet);
}

function FeatureCard({ f, busy, onFlip }: { f: PartnerFeatureDto; busy: boolean; onFlip: (on: boolean) => void }) {
  const intl = useIntl();
  const reason = why(intl, f);
  return (
    <Paper withBorder p="md" data-feature={f.key}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Group gap="xs">
            <Text fw={500}>{f.name}</Text>
            {f.lifecycle === 'beta' && (
              <Badge size="xs" variant="light" color="grape">
                {intl.formatMessage(msg.badge)}
              </Badge>
            )}
          </Group>
          {f.can_switch ? (
            <Switch checked={f.enabled} disabled={busy} onChange={(e) => onFlip(e.currentTarget.checked)} aria-label={intl.formatMessage(msg.switchAria, { feature: f.name, on: f.enabled ? 'yes' : 'no' })} />
          ) : (
            <Badge variant="light" color={f.enabled ? 'teal' : 'gray'} data-testid="feature-state">
              {f.enabled ? intl.formatMessage(msg.on) : intl.formatMessage(msg.off)}
            </Badge>
          )}
        </Group>
        <Text size="sm" c="dimmed">
          {f.description}
        </Text>
        {reason && (
          <Text size="xs" c="dimmed" data-testid="feature-why">
            {reason}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
