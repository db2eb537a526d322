/**
 * Members of one partner organization: the shared members panel with the partner's roles and
 * requests, a membership that can be paused, and for an MSP what each member may do on the managed
 * customers. Used by the partner home (owner) and the operator console.
 */
import { Group, Select, Text } from '@mantine/core';
import { useIntl, type IntlShape } from 'react-intl';
import { api, type PartnerMemberDto } from '../../api/index.ts';
import { partnerKeys } from '../../api/keys/partners.ts';
import { roleKeys } from '../../api/keys/roles.ts';
import type { Column } from '../../components/DataTable.tsx';
import { MembersPanel, type OrgMembers } from '../../components/members/MembersPanel.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { defineMessages } from '../../i18n/define.ts';
import { roleLabel } from '../../session/access.ts';
import { localizedRole } from '../../components/roleNames.ts';

const m = defineMessages({
  ownerDescription: {
    id: 'partner_home.members.role.owner.description',
    defaultMessage: 'Full control of the partner organization: profile, team, apps, agreements, earnings and the audit log.',
  },
  staffDescription: {
    id: 'partner_home.members.role.staff.description',
    defaultMessage: 'Day-to-day work: sees the profile, apps, customers and referrals, but not the team or the audit log.',
  },
  membership: { id: 'partner_home.members.column.membership', defaultMessage: 'Membership' },
  workSaved: { id: 'partner_home.members.work.saved', defaultMessage: 'Done: it applies from their next request.' },
  onCustomers: { id: 'partner_home.members.column.on_customers', defaultMessage: 'On customers' },
  fullAccessOwner: { id: 'partner_home.members.work.owner', defaultMessage: 'Full access (owner)' },
  workLabel: { id: 'partner_home.members.work.label', defaultMessage: 'What {email} may do on customers' },
});

/** The roles an owner gives each member of an MSP, for its work on the managed customers. */
const MEMBER_ROLE_IDS = ['partner_msp_full', 'partner_msp_billing', 'partner_msp_support', 'partner_auditor'];

/** The partner's roles as the members panel offers them, in the reader's words. */
export function partnerRoles(intl: IntlShape) {
  return [
    { value: 'PARTNER_OWNER', label: roleLabel(intl, 'PARTNER_OWNER'), description: intl.formatMessage(m.ownerDescription) },
    { value: 'PARTNER_STAFF', label: roleLabel(intl, 'PARTNER_STAFF'), description: intl.formatMessage(m.staffDescription) },
  ];
}

function partnerMembers(intl: IntlShape, partnerId: string, partnerName: string): OrgMembers<PartnerMemberDto> {
  return {
    kind: 'partner',
    name: partnerName,
    roles: partnerRoles(intl),
    defaultRole: 'PARTNER_STAFF',
    keys: { members: partnerKeys.members(partnerId), invitations: partnerKeys.invitations(partnerId) },
    members: () => api.partners.members(partnerId),
    invitations: () => api.partners.invitations(partnerId),
    invite: (input) => api.partners.addMember(partnerId, input),
    withdraw: (invitationId) => api.partners.revokeInvitation(partnerId, invitationId),
    setRole: (userId, role) => api.partners.updateMember(partnerId, userId, { role }),
    remove: (userId) => api.partners.removeMember(partnerId, userId),
    setActive: (userId, active) => api.partners.updateMember(partnerId, userId, { status: active ? 'active' : 'inactive' }),
  };
}

const membershipColumn = (intl: IntlShape): Column<PartnerMemberDto> => ({
  key: 'membership',
  title: intl.formatMessage(m.membership),
  sortValue: (m) => m.member_status,
  render: (m) => (
    <Group gap={4}>
      <StatusBadge status={m.member_status} />
      {m.status !== 'active' && <StatusBadge status={m.status} />}
    </Group>
  ),
});

/** An MSP's column: what each member may do on the managed customers (owners have full access). */
function useWorkRoleColumn(partnerId: string, enabled: boolean, canManage: boolean): Column<PartnerMemberDto> | null {
  const intl = useIntl();
  const workRoles = useApiQuery(roleKeys.partnerWork, () => api.partners.workRoles(), { enabled, staleTime: Infinity });
  const work = (workRoles.data?.data ?? []).filter((r) => MEMBER_ROLE_IDS.includes(r.id)).map((r) => localizedRole(intl, r));
  const setWork = useApiMutation((userId: string, member_role: string) => api.partners.setWorkRole(partnerId, userId, member_role), {
    success: intl.formatMessage(m.workSaved),
    notifyError: true,
  });
  if (!enabled) return null;
  return {
    key: 'work',
    title: intl.formatMessage(m.onCustomers),
    render: (member) => {
      const current = member.member_role ?? 'partner_msp_full';
      const info = work.find((r) => r.id === current);
      if (member.role === 'PARTNER_OWNER') return <Text fz="inherit">{intl.formatMessage(m.fullAccessOwner)}</Text>;
      if (!canManage) return <Text fz="inherit">{info?.name ?? '—'}</Text>;
      return (
        <Select
          size="xs"
          w={150}
          aria-label={intl.formatMessage(m.workLabel, { email: member.email })}
          data={work.map((r) => ({ value: r.id, label: r.name }))}
          value={current}
          allowDeselect={false}
          onChange={(v) => v && v !== current && void setWork.run(member.user_id, v)}
          title={info?.description}
          data-testid="member-work-role"
        />
      );
    },
  };
}

export function PartnerMembersPanel({
  partnerId,
  partnerName,
  canManage,
  selfId,
  memberRoles = false,
}: {
  partnerId: string;
  partnerName: string;
  canManage: boolean;
  selfId?: string;
  /** an MSP: show and set what each member may do on the managed customers */
  memberRoles?: boolean;
}) {
  const intl = useIntl();
  const workColumn = useWorkRoleColumn(partnerId, memberRoles, canManage);
  return <MembersPanel org={partnerMembers(intl, partnerId, partnerName)} canManage={canManage} selfId={selfId} extraColumns={[...(workColumn ? [workColumn] : []), membershipColumn(intl)]} />;
}
