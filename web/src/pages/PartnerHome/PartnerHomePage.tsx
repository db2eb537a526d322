/**
 * The partner home: the organization's status, then what matters for its kind — a delegated
 * partner's connected customers and their requests, a wholesaler's billing and customers, a
 * referral partner's funnel and next payout, an MSP's way to its dashboard — and its profile
 * (editable by owners).
 */
import { FormattedMessage, useIntl } from 'react-intl';
import { Link } from 'react-router';
import { Alert, Anchor, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconHourglass, IconAlertTriangle } from '@tabler/icons-react';
import { api } from '../../api/index.ts';
import { partnerHomeApi } from '../../api/partnerHome.ts';
import { DelegatedHome } from './DelegatedHome.tsx';
import { WholesaleHome } from './WholesaleHome.tsx';
import { ReferralHome } from './ReferralHome.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate } from '../../components/format.ts';
import { useApiQuery } from '../../query/query.ts';
import { roleLabel, allows } from '../../session/access.ts';
import { useView } from '../../session/useView.ts';
import { PartnerProfileCard } from './PartnerProfileCard.tsx';
import { partnerKeys } from '../../api/keys/partners.ts';
import { defineMessages, type Message } from '../../i18n/define.ts';

const INACTIVE_TEXT: Record<string, Message> = defineMessages({
  suspended: {
    id: 'partner_home.inactive.suspended',
    defaultMessage: 'The platform operator has suspended your partner organization. Its people and apps cannot act for customers until it is reactivated.',
  },
  terminated: { id: 'partner_home.inactive.terminated', defaultMessage: 'Your partner organization has been terminated. Its people and apps can no longer act for customers.' },
  rejected: { id: 'partner_home.inactive.rejected', defaultMessage: 'The platform operator did not approve your application.' },
});

const m = defineMessages({
  description: {
    id: 'partner_home.description',
    defaultMessage: 'You are {owner, select, yes {an owner} other {a staff member}} of this partner organization ({role}).',
  },
  reviewTitle: { id: 'partner_home.review.title', defaultMessage: 'Your application is under review' },
  review: {
    id: 'partner_home.review.text',
    defaultMessage:
      'A platform operator is reviewing the application. Once it is approved, the capabilities you are granted appear here and you can invite your team. Nothing else to do for now.',
  },
  reviewSent: {
    id: 'partner_home.review.text_sent',
    defaultMessage:
      'A platform operator is reviewing the application sent on {date}. Once it is approved, the capabilities you are granted appear here and you can invite your team. Nothing else to do for now.',
  },
  inactiveTitle: {
    id: 'partner_home.inactive.title',
    defaultMessage: 'Your partner organization is {status, select, suspended {suspended} terminated {terminated} rejected {rejected} other {{status}}}',
  },
  inactiveOther: { id: 'partner_home.inactive.other', defaultMessage: 'Your partner organization cannot act right now.' },
  inactiveText: { id: 'partner_home.inactive.text', defaultMessage: '{reason} Contact the platform operator for details.' },
  operatorNote: { id: 'partner_home.operator_note', defaultMessage: 'Note from the operator' },
  mspPointer: {
    id: 'partner_home.msp_pointer',
    defaultMessage: 'The customers you manage, their invoices, tickets and alerts are on your <link>Dashboard</link>.',
  },
  about: { id: 'partner_home.about', defaultMessage: 'About your organization' },
});

export function PartnerHomePage() {
  const intl = useIntl();
  const me = useView().partner!;
  // Members may read their own partner while it is active, or while its application is under review.
  const readable = me.partner_status === 'active' || me.partner_status === 'applied';
  const partner = useApiQuery(partnerKeys.detail(me.partner_id), () => api.partners.get(me.partner_id), { enabled: readable });
  const p = partner.data;
  const isOwner = allows(me, 'partner.profile.update');
  // the Alerts page is offered when the member role reads an alert kind (as the navigation decides)
  const readsAlerts = (me.member_permissions ?? []).some((x) => x === 'alerts.sla.read' || x === 'alerts.billing.read');
  const caps = me.capabilities ?? [];
  const active = me.partner_status === 'active';
  const readsCustomers = allows(me, 'partner.customers.read');
  const wantsHome = active && readsCustomers && (caps.includes('delegated') || caps.includes('wholesale'));
  const home = useApiQuery(partnerKeys.home(me.partner_id), () => partnerHomeApi.home(me.partner_id), { enabled: wantsHome });
  const h = home.data;
  return (
    <>
      <PageHeader
        title={me.name}
        badge={<StatusBadge status={p?.status ?? me.partner_status} />}
        description={intl.formatMessage(m.description, { owner: isOwner ? 'yes' : 'no', role: roleLabel(intl, me.role) })}
      />
      <Stack gap="lg" maw={1100}>
        {me.partner_status === 'applied' && (
          <Alert color="yellow" icon={<IconHourglass size={20} />} title={intl.formatMessage(m.reviewTitle)} data-testid="application-under-review">
            <Text size="sm">
              {p ? intl.formatMessage(m.reviewSent, { date: formatDate(p.applied_at) }) : intl.formatMessage(m.review)}
            </Text>
          </Alert>
        )}
        {!readable && (
          <Alert color="red" icon={<IconAlertTriangle size={20} />} title={intl.formatMessage(m.inactiveTitle, { status: me.partner_status })}>
            <Text size="sm">{intl.formatMessage(m.inactiveText, { reason: intl.formatMessage(INACTIVE_TEXT[me.partner_status] ?? m.inactiveOther) })}</Text>
          </Alert>
        )}
        {p?.status_reason && p.status !== 'applied' && (
          <Alert color="gray" title={intl.formatMessage(m.operatorNote)}>
            {p.status_reason}
          </Alert>
        )}
        {wantsHome && home.error ? <ErrorAlert error={home.error} /> : null}
        {wantsHome && home.loading && <Skeleton h={220} data-state="loading" />}
        {h?.delegated && <DelegatedHome d={h.delegated} canManageApps={allows(me, 'partner.apps.read')} />}
        {h?.wholesale && <WholesaleHome w={h.wholesale} canReviewAlerts={readsAlerts} />}
        {active && caps.includes('referral') && allows(me, 'partner.earnings.read') && (
          <ReferralHome partnerId={me.partner_id} ownCodesOnly={!allows(me, 'partner.referrals.read_all')} canSign={allows(me, 'partner.agreements.sign')} />
        )}
        {active && caps.includes('managed_services') && readsCustomers && (
          <Text size="sm" data-testid="msp-pointer">
            <FormattedMessage
              {...m.mspPointer}
              values={{
                link: (chunks) => (
                  <Anchor component={Link} to="/partner/dashboard" underline="always">
                    {chunks}
                  </Anchor>
                ),
              }}
            />
          </Text>
        )}
        <ErrorAlert error={partner.error} />
        {p && (
          <>
            <Title order={2} size="h4" mt="md">
              <FormattedMessage {...m.about} />
            </Title>
            <PartnerProfileCard partner={p} canEdit={isOwner && p.status === 'active'} onSaved={(np) => partner.setData(np)} />
          </>
        )}
      </Stack>
    </>
  );
}
