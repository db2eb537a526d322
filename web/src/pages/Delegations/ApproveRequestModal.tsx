/**
 * Review a partner's link request before approving it: what the role lets the partner do, in plain
 * words, each of which the admin can untick (an exclusion); what the partner needs it for (its
 * purposes, as sentences); the billing accounts, narrowed to fewer than asked; and the partner's
 * own justification. Approving sends the narrowed access.
 */
import { useEffect, useMemo, useState } from 'react';
import { Alert, Button, Checkbox, Group, Modal, MultiSelect, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconCheck } from '@tabler/icons-react';
import { FormattedMessage, useIntl } from 'react-intl';
import { delegationsApi, type DelegationDto } from '../../api/delegations.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PurposeSentences } from '../../components/PurposePicker.tsx';
import { formatDate } from '../../components/format.ts';
import { useApiMutation } from '../../query/query.ts';
import { PERMISSION_AREAS, usePermissionWords } from '../Msp/shared.tsx';
import { useDelegationRoles } from './useDelegationRoles.ts';
import { areaLabel } from './AccessWords.tsx';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  approved: { id: 'delegations.approve.approved', defaultMessage: '{partner} now has access.' },
  title: { id: 'delegations.approve.title', defaultMessage: "Review {partner}'s request" },
  asks: { id: 'delegations.approve.asks', defaultMessage: '<b>{partner}</b> asks for <b>{role}</b> access until <b>{until}</b>.' },
  theirReason: { id: 'delegations.approve.their_reason', defaultMessage: 'Their reason' },
  quoted: { id: 'delegations.approve.quoted', defaultMessage: '“{text}”' },
  needsFor: { id: 'delegations.approve.needs_for', defaultMessage: 'What {partner} needs it for' },
  thePartner: { id: 'delegations.approve.the_partner', defaultMessage: 'The partner' },
  mayDo: { id: 'delegations.approve.may_do', defaultMessage: 'What {partner} may do' },
  untick: { id: 'delegations.approve.untick', defaultMessage: 'Untick anything you do not want to allow. You can change this later.' },
  nothing: { id: 'delegations.approve.role_gives_nothing', defaultMessage: 'This role gives nothing by itself.' },
  accounts: { id: 'delegations.approve.accounts', defaultMessage: 'Billing accounts' },
  accountsAsked: { id: 'delegations.approve.accounts_asked', defaultMessage: 'The partner asked for these accounts; remove any you do not want to share.' },
  accountsAll: { id: 'delegations.approve.accounts_all', defaultMessage: 'The partner asked for every billing account. Choose some to share only those.' },
  everyAccount: { id: 'delegations.approve.every_account', defaultMessage: 'Every billing account' },
  nothingTicked: { id: 'delegations.approve.nothing_ticked', defaultMessage: 'With nothing ticked the partner could not do anything. Reject the request instead?' },
  cancel: { id: 'delegations.approve.cancel', defaultMessage: 'Cancel' },
  approve: { id: 'delegations.approve.submit', defaultMessage: 'Approve access' },
});

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
  const intl = useIntl();
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
    { success: (x) => intl.formatMessage(m.approved, { partner: x.partner.name }), onDone },
  );
  const bannable = d?.ban_ids ? accounts.filter((a) => d.ban_ids!.includes(a.value)) : accounts;
  const groups = Object.keys(PERMISSION_AREAS)
    .map((area) => ({ label: areaLabel(intl, area), items: asked.filter((p) => p.startsWith(`${area}.`)) }))
    .filter((g) => g.items.length > 0);

  return (
    <Modal
      opened={!!d}
      onClose={() => {
        approve.reset();
        onClose();
      }}
      title={d ? intl.formatMessage(m.title, { partner: d.partner.name }) : ''}
      size="xl"
    >
      {d && (
        <Stack data-testid="approve-dialog">
          <Text size="sm">
            <FormattedMessage {...m.asks} values={{ partner: d.partner.name, role: role?.name ?? d.role, until: formatDate(d.ends_at), b: (chunks) => <b>{chunks}</b> }} /> {role?.description}
          </Text>
          {d.justification && (
            <Paper withBorder p="sm" radius="md" bg="var(--mantine-color-gray-0)">
              <Text size="xs" c="dimmed">
                {intl.formatMessage(m.theirReason)}
              </Text>
              <Text size="sm">{intl.formatMessage(m.quoted, { text: d.justification })}</Text>
            </Paper>
          )}
          <div>
            <Text fw={600} size="sm" mb={4}>
              {intl.formatMessage(m.needsFor, { partner: d.partner.name })}
            </Text>
            <PurposeSentences ids={d.purposes} who={d.partner.name ?? intl.formatMessage(m.thePartner)} />
          </div>
          <div>
            <Text fw={600} size="sm">
              {intl.formatMessage(m.mayDo, { partner: d.partner.name })}
            </Text>
            <Text size="xs" c="dimmed" mb="xs">
              {intl.formatMessage(m.untick)}
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
                {intl.formatMessage(m.nothing)}
              </Text>
            )}
          </div>
          <MultiSelect
            label={intl.formatMessage(m.accounts)}
            description={intl.formatMessage(d.ban_ids ? m.accountsAsked : m.accountsAll)}
            placeholder={bans.length ? undefined : intl.formatMessage(m.everyAccount)}
            data={bannable}
            value={bans}
            onChange={setBans}
            clearable
            data-testid="approve-bans"
          />
          {allowed.length === 0 && asked.length > 0 && (
            <Alert color="yellow" variant="light">
              {intl.formatMessage(m.nothingTicked)}
            </Alert>
          )}
          <ErrorAlert error={approve.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {intl.formatMessage(m.cancel)}
            </Button>
            <Button color="teal" leftSection={<IconCheck size={16} />} loading={approve.busy} onClick={() => void approve.run(d)}>
              {intl.formatMessage(m.approve)}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
