/**
 * Partners with access: what each partner's access is for (purpose-bound consent), one purpose per
 * line with its own Revoke. Revoking one purpose leaves the others; routes that require it refuse
 * the partner from its next request.
 */
import { useState } from 'react';
import { Button, Group, Stack, Text } from '@mantine/core';
import { delegationsApi, type DelegationDto } from '../../api/delegations.ts';
import { delegationKeys } from '../../api/keys/delegations.ts';
import { usePurposeNames } from '../../components/PurposePicker.tsx';
import { ReasonModal } from '../../components/ReasonModal.tsx';
import { useApiMutation } from '../../query/query.ts';

export function PurposesCell({ tenantId, d, onDone }: { tenantId: string; d: DelegationDto; onDone(): void }) {
  const purpose = usePurposeNames();
  const [revoking, setRevoking] = useState<string | null>(null);
  const revoke = useApiMutation((id: string) => delegationsApi.revokePurpose(tenantId, d.id, id), {
    success: () => `${d.partner.name} may no longer act on your data for ${purpose(revoking ?? '').name}.`,
    onDone: () => {
      setRevoking(null);
      onDone();
    },
    invalidates: [delegationKeys.tenantList(tenantId)],
  });
  const held = d.purposes ?? [];
  if (held.length === 0) return <Text size="sm">{d.purposes === null ? 'Not limited to purposes' : 'No purpose left'}</Text>;
  const partner = d.partner.name ?? 'The partner';
  const name = revoking ? purpose(revoking).name : '';
  return (
    <>
      <Stack gap={4} data-testid="purposes" data-delegation={d.id}>
        {held.map((id) => (
          <Group key={id} gap={6} wrap="wrap" data-purpose={id}>
            <Text size="sm" title={purpose(id).description}>
              {purpose(id).name}
            </Text>
            <Button size="compact-xs" variant="light" color="red" style={{ flex: 'none' }} onClick={() => setRevoking(id)} aria-label={`Revoke ${purpose(id).name} for ${partner}`}>
              Revoke
            </Button>
          </Group>
        ))}
      </Stack>
      <ReasonModal
        opened={revoking !== null}
        title={`Stop ${partner} acting for ${name}?`}
        message={`${partner} will no longer be able to act on your data for ${name}, from its very next request. ${held.length > 1 ? `It keeps access for ${held.filter((p) => p !== revoking).map((p) => purpose(p).name).join(', ')}.` : 'It keeps no other purpose; its access stays open but can no longer be used where a purpose is needed.'}`}
        confirmLabel={`Revoke ${name}`}
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
