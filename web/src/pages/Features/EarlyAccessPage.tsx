/**
 * Partner: its features — what is on for the organization, and the early-access ones
 * the owner may switch on or off; the others are explained (the platform operator switches them).
 */
import { Alert, Badge, Group, Paper, SimpleGrid, Stack, Switch, Text } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { featuresApi, type PartnerFeatureDto } from '../../api/features.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { allows } from '../../session/access.ts';
import { useView } from '../../session/useView.ts';
import { partnerKeys } from '../../api/keys/partners.ts';

export function EarlyAccessPage() {
  const view = useView();
  const m = view.partner!;
  const owner = allows(m, 'partner.features.manage');
  const q = useApiQuery(partnerKeys.features(m.partner_id), () => featuresApi.mine(m.partner_id));
  const flip = useApiMutation((key: string, enabled: boolean) => featuresApi.switchMine(m.partner_id, key, enabled), {
    success: (f) => `${f.name} is now ${f.enabled ? 'on' : 'off'} for ${m.name}.`,
    notifyError: true,
    invalidates: [partnerKeys.features(m.partner_id)],
  });
  const rows = q.data?.data ?? [];
  return (
    <>
      <PageHeader title="Early access features" description={`The platform features ${m.name} has, and the early-access ones you can try before everyone else.`} />
      <ErrorAlert error={q.error} />
      {!owner && (
        <Alert color="gray" icon={<IconInfoCircle size={18} />} mb="md" data-testid="early-access-owners-only">
          Only your organization&apos;s owners can switch features on or off. You can see what is on.
        </Alert>
      )}
      {q.loading && <Text c="dimmed">Loading features…</Text>}
      {!q.loading && rows.length === 0 && <Text c="dimmed">There are no switchable platform features at the moment.</Text>}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md" data-testid="early-access">
        {rows.map((f) => (
          <FeatureCard key={f.key} f={f} busy={flip.busy} onFlip={(on) => void flip.run(f.key, on)} />
        ))}
      </SimpleGrid>
    </>
  );
}

function why(f: PartnerFeatureDto): string | null {
  if (f.can_switch) return null;
  if (f.opt_in) return 'Your organization’s owners can switch this.';
  if (f.source === 'partner') return f.enabled ? 'The platform operator switched this on for your organization.' : 'The platform operator switched this off for your organization.';
  return f.enabled ? 'On for every partner.' : 'Not available to your organization yet. Ask the platform operator if you would like to join the early access.';
}

function FeatureCard({ f, busy, onFlip }: { f: PartnerFeatureDto; busy: boolean; onFlip: (on: boolean) => void }) {
  const reason = why(f);
  return (
    <Paper withBorder p="md" data-feature={f.key}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Group gap="xs">
            <Text fw={500}>{f.name}</Text>
            {f.lifecycle === 'beta' && (
              <Badge size="xs" variant="light" color="grape">
                Early access
              </Badge>
            )}
          </Group>
          {f.can_switch ? (
            <Switch checked={f.enabled} disabled={busy} onChange={(e) => onFlip(e.currentTarget.checked)} aria-label={`${f.name}: ${f.enabled ? 'on' : 'off'}`} />
          ) : (
            <Badge variant="light" color={f.enabled ? 'teal' : 'gray'} data-testid="feature-state">
              {f.enabled ? 'On' : 'Off'}
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
