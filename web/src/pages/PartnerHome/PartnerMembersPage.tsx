/** The partner's team. Only owners see and manage the member list; staff get an explanation instead. */
import { FormattedMessage, useIntl } from 'react-intl';
import { allows } from '../../session/access.ts';
import { defineMessages } from '../../i18n/define.ts';
import { Alert, Text } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useView } from '../../session/useView.ts';
import { PartnerMembersPanel } from './PartnerMembersPanel.tsx';

const m = defineMessages({
  title: { id: 'partner_home.team.title', defaultMessage: 'Team' },
  ownersOnlyTitle: { id: 'partner_home.team.owners_only.title', defaultMessage: 'Only owners see the team' },
  ownersOnly: {
    id: 'partner_home.team.owners_only.text',
    defaultMessage:
      "The member list of {partner} is visible to partner owners only. To invite someone, change a role or remove a member, ask one of your organization's owners.",
  },
  description: { id: 'partner_home.team.description', defaultMessage: 'The people of {partner}. Owners manage the team; staff do the day-to-day work.' },
  descriptionMsp: {
    id: 'partner_home.team.description_msp',
    defaultMessage:
      'The people of {partner}. Owners manage the team; staff do the day-to-day work. "On customers" sets what each person may do for the customers you manage — full access, billing only, support only, or read-only as an auditor — within what each customer allows.',
  },
});

export function PartnerMembersPage() {
  const intl = useIntl();
  const view = useView();
  const p = view.partner!;
  const msp = p.capabilities.includes('managed_services');
  if (!allows(p, 'partner.members.read')) {
    return (
      <>
        <PageHeader title={intl.formatMessage(m.title)} />
        <Alert color="gray" icon={<IconLock size={20} />} title={intl.formatMessage(m.ownersOnlyTitle)} maw={720} data-testid="team-owners-only">
          <Text size="sm">
            <FormattedMessage {...m.ownersOnly} values={{ partner: p.name }} />
          </Text>
        </Alert>
      </>
    );
  }
  return (
    <>
      <PageHeader
        title={intl.formatMessage(m.title)}
        description={intl.formatMessage(msp ? m.descriptionMsp : m.description, { partner: p.name })}
      />
      <PartnerMembersPanel partnerId={p.partner_id} partnerName={p.name} canManage selfId={view.me.user.id} memberRoles={msp} />
    </>
  );
}
