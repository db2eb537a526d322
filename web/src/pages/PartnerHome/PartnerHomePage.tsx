/**
 * The partner home: the organization's status, then what matters for its kind — a delegated
 * partner's connected customers and their requests, a wholesaler's billing and customers, a
 * referral partner's funnel and next payout, an MSP's way to its dashboard — and its profile
 * (editable by owners).
 */
import { useIntl } from 'react-intl';
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

const INACTIVE_TEXT: Record<string, string> = {
  suspended: 'The platform operator has suspended your partner organization. Its people and apps cannot act for customers until it is reactivated.',
  terminated: 'Your partner organization has been terminated. Its people and apps can no longer act for customers.',
  rejected: 'The platform operator did not approve your application.',
};

export function PartnerHomePage() {
  const intl = useIntl();
  const m = useView().partner!;
  // Members may read their own partner while it is active, or while its application is under review.
  const readable = m.partner_status === 'active' || m.partner_status === 'applied';
  const partner = useApiQuery(partnerKeys.detail(m.partner_id), () => api.partners.get(m.partner_id), { enabled: readable });
  const p = partner.data;
  const isOwner = allows(m, 'partner.profile.update');
  // the Alerts page is offered when the member role reads an alert kind (as the navigation decides)
  const readsAlerts = (m.member_permissions ?? []).some((x) => x === 'alerts.sla.read' || x === 'alerts.billing.read');
  const caps = m.capabilities ?? [];
  const active = m.partner_status === 'active';
  const readsCustomers = allows(m, 'partner.customers.read');
  const wantsHome = active && readsCustomers && (caps.includes('delegated') || caps.includes('wholesale'));
  const home = useApiQuery(partnerKeys.home(m.partner_id), () => partnerHomeApi.home(m.partner_id), { enabled: wantsHome });
  const h = home.data;
  return (
    <>
      <PageHeader
        title={m.name}
        badge={<StatusBadge status={p?.status ?? m.partner_status} />}
        description={`You are ${isOwner ? 'an owner' : 'a staff member'} of this partner organization (${roleLabel(intl, m.role)}).`}
      />
      <Stack gap="lg" maw={1100}>
        {m.partner_status === 'applied' && (
          <Alert color="yellow" icon={<IconHourglass size={20} />} title="Your application is under review" data-testid="application-under-review">
            <Text size="sm">
              A platform operator is reviewing the application{p ? ` sent on ${formatDate(p.applied_at)}` : ''}. Once it is approved, the capabilities you are
              granted appear here and you can invite your team. Nothing else to do for now.
            </Text>
          </Alert>
        )}
        {!readable && (
          <Alert color="red" icon={<IconAlertTriangle size={20} />} title={`Your partner organization is ${m.partner_status}`}>
            <Text size="sm">{INACTIVE_TEXT[m.partner_status] ?? 'Your partner organization cannot act right now.'} Contact the platform operator for details.</Text>
          </Alert>
        )}
        {p?.status_reason && p.status !== 'applied' && (
          <Alert color="gray" title="Note from the operator">
            {p.status_reason}
          </Alert>
        )}
        {wantsHome && home.error ? <ErrorAlert error={home.error} /> : null}
        {wantsHome && home.loading && <Skeleton h={220} data-state="loading" />}
        {h?.delegated && <DelegatedHome d={h.delegated} canManageApps={allows(m, 'partner.apps.read')} />}
        {h?.wholesale && <WholesaleHome w={h.wholesale} canReviewAlerts={readsAlerts} />}
        {active && caps.includes('referral') && allows(m, 'partner.earnings.read') && (
          <ReferralHome partnerId={m.partner_id} ownCodesOnly={!allows(m, 'partner.referrals.read_all')} canSign={allows(m, 'partner.agreements.sign')} />
        )}
        {active && caps.includes('managed_services') && readsCustomers && (
          <Text size="sm" data-testid="msp-pointer">
            The customers you manage, their invoices, tickets and alerts are on your{' '}
            <Anchor component={Link} to="/partner/dashboard" underline="always">
              Dashboard
            </Anchor>
            .
          </Text>
        )}
        <ErrorAlert error={partner.error} />
        {p && (
          <>
            <Title order={3} size="h4" mt="md">
              About your organization
            </Title>
            <PartnerProfileCard partner={p} canEdit={isOwner && p.status === 'active'} onSaved={(np) => partner.setData(np)} />
          </>
        )}
      </Stack>
    </>
  );
}
