/** The partner's team. Only owners see and manage the member list; staff get an explanation instead. */
import { allows } from '../../session/access.ts';
import { Alert, Text } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useView } from '../../session/useView.ts';
import { PartnerMembersPanel } from './PartnerMembersPanel.tsx';

export function PartnerMembersPage() {
  const view = useView();
  const m = view.partner!;
  const msp = m.capabilities.includes('managed_services');
  if (!allows(m, 'partner.members.read')) {
    return (
      <>
        <PageHeader title="Team" />
        <Alert color="gray" icon={<IconLock size={20} />} title="Only owners see the team" maw={720} data-testid="team-owners-only">
          <Text size="sm">
            The member list of {m.name} is visible to partner owners only. To invite someone, change a role or remove a member, ask one of your
            organization&apos;s owners.
          </Text>
        </Alert>
      </>
    );
  }
  return (
    <>
      <PageHeader
        title="Team"
        description={
          msp
            ? `The people of ${m.name}. Owners manage the team; staff do the day-to-day work. "On customers" sets what each person may do for the customers you manage — full access, billing only, support only, or read-only as an auditor — within what each customer allows.`
            : `The people of ${m.name}. Owners manage the team; staff do the day-to-day work.`
        }
      />
      <PartnerMembersPanel partnerId={m.partner_id} partnerName={m.name} canManage selfId={view.me.user.id} memberRoles={msp} />
    </>
  );
}
