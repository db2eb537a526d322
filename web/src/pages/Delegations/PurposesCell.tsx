/**
 * Partners with access: what each partner's access is for (purpose-bound consent), one purpose per
 * line with its own Revoke. Revoking one purpose leaves the others; routes that require it refuse
 * the partner from its next request.
 */
import { useState } from 'react';
import { useIntl } from 'react-intl';
import { Button, Group, Stack, Text } from '@mantine/core';
import { delegationsApi, type DelegationDto } from '../../api/delegations.ts';
import { delegationKeys } from '../../api/keys/delegations.ts';
import { usePurposeNames } from '../../components/PurposePicker.tsx';
import { ReasonModal } from '../../components/ReasonModal.tsx';
import { useApiMutation } from '../../query/query.ts';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  revoked: { id: 'delegations.purposes.revoked', defaultMessage: '{partner} may no longer act on your data for {purpose}.' },
  notLimited: { id: 'delegations.purposes.not_limited', defaultMessage: 'Not limited to purposes' },
  noneLeft: { id: 'delegations.purposes.none_left', defaultMessage: 'No purpose left' },
  thePartner: { id: 'delegations.purposes.the_partner', defaultMessage: 'The partner' },
  revokeLabel: { id: 'delegations.purposes.revoke_label', defaultMessage: 'Revoke {purpose} for {partner}' },
  revoke: { id: 'delegations.purposes.revoke', defaultMessage: 'Revoke' },
  confirmTitle: { id: 'delegations.purposes.confirm_title', defaultMessage: 'Stop {partner} acting for {purpose}?' },
  confirmKeeps: {
    id: 'delegations.purposes.confirm_keeps',
    defaultMessage: '{partner} will no longer be able to act on your data for {purpose}, from its very next request. It keeps access for {others}.',
  },
  confirmLast: {
    id: 'delegations.purposes.confirm_last',
    defaultMessage:
      '{partner} will no longer be able to act on your data for {purpose}, from its very next request. It keeps no other purpose; its access stays open but can no longer be used where a purpose is needed.',
  },
  confirmLabel: { id: 'delegations.purposes.confirm_label', defaultMessage: 'Revoke {purpose}' },
});

export function PurposesCell({ tenantId, d, onDone }: { tenantId: string; d: DelegationDto; onDone(): void }) {
  const intl = useIntl();
  const purpose = usePurposeNames();
  const [revoking, setRevoking] = useState<string | null>(null);
  const revoke = useApiMutation((id: string) => delegationsApi.revokePurpose(tenantId, d.id, id), {
    success: () => intl.formatMessage(m.revoked, { partner: d.partner.name, purpose: purpose(revoking ?? '').name }),
    onDone: () => {
      setRevoking(null);
      onDone();
    },
    invalidates: [delegationKeys.tenantList(tenantId)],
  });
  const held = d.purposes ?? [];
  if (held.length === 0) return <Text size="sm">{intl.formatMessage(d.purposes === null ? m.notLimited : m.noneLeft)}</Text>;
  const partner = d.partner.name ?? intl.formatMessage(m.thePartner);
  const name = revoking ? purpose(revoking).name : '';
  return (
    <>
      <Stack gap={4} data-testid="purposes" data-delegation={d.id}>
        {held.map((id) => (
          <Group key={id} gap={6} wrap="wrap" data-purpose={id}>
            <Text size="sm" title={purpose(id).description}>
              {purpose(id).name}
            </Text>
            <Button size="compact-xs" variant="light" color="red" style={{ flex: 'none' }} onClick={() => setRevoking(id)} aria-label={intl.formatMessage(m.revokeLabel, { purpose: purpose(id).name, partner })}>
              {intl.formatMessage(m.revoke)}
            </Button>
          </Group>
        ))}
      </Stack>
      <ReasonModal
        opened={revoking !== null}
        title={intl.formatMessage(m.confirmTitle, { partner, purpose: name })}
        message={
          held.length > 1
            ? intl.formatMessage(m.confirmKeeps, { partner, purpose: name, others: held.filter((p) => p !== revoking).map((p) => purpose(p).name).join(', ') })
            : intl.formatMessage(m.confirmLast, { partner, purpose: name })
        }
        confirmLabel={intl.formatMessage(m.confirmLabel, { purpose: name })}
        color="red"
        reason="none"
        busy={revoke.busy}
        error={revoke.error}
        onClose={() => {
          setRevoking(null);
          revoke.reset();
        }}
        onConfirm={() => revoking && void revoke.run(revoking)}
      />
    </>
  );
}
