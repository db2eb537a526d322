/**
 * Review a partner's link request before approving it: what the role lets the partner do, in plain
 * words, each of which the admin can untick (an exclusion); what the partner needs it for (its
 * purposes, as sentences); the billing accounts, narrowed to fewer than asked; and the partner's
 * own justification. Approving sends the narrowed access.
 */
import { useEffect, useMemo, useState } from 'react';
import { Alert, Button, Checkbox, Group, Modal, MultiSelect, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconCheck } from '@tabler/icons-react';
import { delegationsApi, type DelegationDto } from '../../api/delegations.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PurposeSentences } from '../../components/PurposePicker.tsx';
import { formatDate } from '../../components/format.ts';
import { useApiMutation } from '../../query/query.ts';
import { PERMISSION_AREAS, usePermissionWords } from '../Msp/shared.tsx';
import { useDelegationRoles } from './useDelegationRoles.ts';

/** Does grant pattern `g` (billing.*, *, orders.read) cover `name`? */
function covers(g: string, name: string): boolean {
  if (g === '*' || g === name) return true;
  return g.endsWith('.*') && name.startsWith(g.slice(0, -1));
}

export function ApproveRequestModal({
  tenantId,
  delegation,
  accounts,
  onClose,
  onDone,
}: {
  tenantId: string;
  delegation: DelegationDto | null;
  accounts: { value: string; label: string }[];
  onClose(): void;
  onDone(d: DelegationDto): void;
}) {
  const roles = useDelegationRoles();
  const words = usePermissionWords();
  const d = delegation;
  const role = roles.get(d?.role);
  /** the concrete permissions the request would give: the role's grants plus asked extras, minus asked exclusions */
  const asked = useMemo(() => {
    if (!d) return [];
    const grants = [...(role?.grants ?? []), ...d.overrides.grant];
    return words.all.filter((p) => grants.some((g) => covers(g, p.name)) && !d.overrides.deny.some((g) => covers(g, p.name))).map((p) => p.name);
  }, [d, role, words.all]);
  const [allowed, setAllowed] = useState<string[]>([]);
  const [bans, setBans] = useState<string[]>([]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: when another request is opened or the catalog arrives
  useEffect(() => {
    setAllowed(asked);
    setBans(d?.ban_ids ?? []);
  }, [d?.id, asked.length]);
  const approve = useApiMutation(
    (x: DelegationDto) =>
      delegationsApi.approve(tenantId, x.id, {
        ban_ids: bans.length ? bans : null,
        overrides: { grant: x.overrides.grant, deny: [...x.overrides.deny, ...asked.filter((p) => !allowed.includes(p))] },
      }),
    { success: (x) => `${x.partner.name} now has access.`, onDone },
  );
  const bannable = d?.ban_ids ? accounts.filter((a) => d.ban_ids!.includes(a.value)) : accounts;
  const groups = Object.entries(PERMISSION_AREAS)
    .map(([area, label]) => ({ label, items: asked.filter((p) => p.startsWith(`${area}.`)) }))
    .filter((g) => g.items.length > 0);

  return (
    <Modal
      opened={!!d}
      onClose={() => {
        approve.reset();
        onClose();
      }}
      title={d ? `Review ${d.partner.name}'s request` : ''}
      size="xl"
    >
      {d && (
        <Stack data-testid="approve-dialog">
          <Text size="sm">
            <b>{d.partner.name}</b> asks for <b>{role?.name ?? d.role}</b> access until <b>{formatDate(d.ends_at)}</b>. {role?.description}
          </Text>
          {d.justification && (
            <Paper withBorder p="sm" radius="md" bg="var(--mantine-color-gray-0)">
              <Text size="xs" c="dimmed">
                Their reason
              </Text>
              <Text size="sm">“{d.justification}”</Text>
            </Paper>
          )}
          <div>
            <Text fw={600} size="sm" mb={4}>
              What {d.partner.name} needs it for
            </Text>
            <PurposeSentences ids={d.purposes} who={d.partner.name ?? 'The partner'} />
          </div>
          <div>
            <Text fw={600} size="sm">
              What {d.partner.name} may do
            </Text>
            <Text size="xs" c="dimmed" mb="xs">
              Untick anything you do not want to allow. You can change this later.
            </Text>
            <Checkbox.Group value={allowed} onChange={setAllowed} data-testid="approve-permissions">
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
                {groups.map((g) => (
                  <Stack key={g.label} gap={4}>
                    <Text size="xs" fw={700} tt="uppercase" c="dimmed">
                      {g.label}
                    </Text>
                    {g.items.map((p) => (
                      <Checkbox key={p} value={p} label={words.word(p)} size="sm" />
                    ))}
                  </Stack>
                ))}
              </SimpleGrid>
            </Checkbox.Group>
            {asked.length === 0 && !words.loading && (
              <Text size="sm" c="dimmed">
                This role gives nothing by itself.
              </Text>
            )}
          </div>
          <MultiSelect
            label="Billing accounts"
            description={d.ban_ids ? 'The partner asked for these accounts; remove any you do not want to share.' : 'The partner asked for every billing account. Choose some to share only those.'}
            placeholder={bans.length ? undefined : 'Every billing account'}
            data={bannable}
            value={bans}
            onChange={setBans}
            clearable
            data-testid="approve-bans"
          />
          {allowed.length === 0 && asked.length > 0 && (
            <Alert color="yellow" variant="light">
              With nothing ticked the partner could not do anything. Reject the request instead?
            </Alert>
          )}
          <ErrorAlert error={approve.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button color="teal" leftSection={<IconCheck size={16} />} loading={approve.busy} onClick={() => void approve.run(d)}>
              Approve access
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
