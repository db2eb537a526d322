/** Operator: one tenant — its status (suspend / reactivate / close), billing accounts, members and audit events. */
import { OperatorSsoPanel } from '../../components/OperatorSsoPanel.tsx';
import { useCallback, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Anchor, Badge, Button, Stack, Tabs, Text } from '@mantine/core';
import { IconArrowLeft, IconCreditCard, IconHistory, IconKey, IconShieldCheck, IconUsersGroup } from '@tabler/icons-react';
import { api, type AuditQuery } from '../../api/index.ts';
import { accessReviewApi } from '../../api/accessReview.ts';
import { TenantReachPanel } from '../AccessReview/TenantReachPanel.tsx';
import { AuditLogView } from '../../components/AuditLogView.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { operatorPeople } from '../../components/people.ts';
import { ReasonModal } from '../../components/ReasonModal.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate } from '../../components/format.ts';
import { tierLabel } from '../../components/tiers.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { BillingAccountsPanel } from '../TenantHome/BillingAccountsPanel.tsx';
import { TenantMembersPanel } from '../TenantHome/TenantMembersPanel.tsx';
import { ProvisioningPanel } from '../Provisioning/ProvisioningPanel.tsx';
import { accessReviewKeys } from '../../api/keys/accessReview.ts';
import { tenantKeys } from '../../api/keys/tenants.ts';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages, type Message } from '../../i18n/define.ts';

type Target = 'active' | 'suspended' | 'closed';

const CHANGE: Record<Target, { title: Message; message: Message; label: Message; color: string }> = {
  suspended: {
    ...defineMessages({
      title: { id: 'operator.tenant.suspend.title', defaultMessage: 'Suspend this tenant?' },
      message: {
        id: 'operator.tenant.suspend.message',
        defaultMessage: 'The tenant is marked suspended, for example while a contract is on hold. The change is recorded in the audit log; you can reactivate it at any time.',
      },
      label: { id: 'operator.tenant.suspend.confirm', defaultMessage: 'Suspend tenant' },
    }),
    color: 'orange',
  },
  closed: {
    ...defineMessages({
      title: { id: 'operator.tenant.close.title', defaultMessage: 'Close this tenant?' },
      message: { id: 'operator.tenant.close.message', defaultMessage: 'A closed tenant is kept for the record but no longer used. You can reactivate it later.' },
      label: { id: 'operator.tenant.close.confirm', defaultMessage: 'Close tenant' },
    }),
    color: 'red',
  },
  active: {
    ...defineMessages({
      title: { id: 'operator.tenant.reactivate.title', defaultMessage: 'Reactivate this tenant?' },
      message: { id: 'operator.tenant.reactivate.message', defaultMessage: 'The tenant is marked active again.' },
      label: { id: 'operator.tenant.reactivate.confirm', defaultMessage: 'Reactivate' },
    }),
    color: 'teal',
  },
};

const m = defineMessages({
  nowStatus: { id: 'operator.tenant.now_status', defaultMessage: '{name} is now {status, select, active {active} suspended {suspended} closed {closed} other {{status}}}.' },
  allTenants: { id: 'operator.tenant.back', defaultMessage: 'All tenants' },
  description: { id: 'operator.tenant.description', defaultMessage: '{slug} · <badge>{tier} tier</badge> · created {date} · {id}' },
  suspend: { id: 'operator.tenant.suspend', defaultMessage: 'Suspend' },
  close: { id: 'operator.tenant.close', defaultMessage: 'Close' },
  reactivate: { id: 'operator.tenant.reactivate', defaultMessage: 'Reactivate' },
  notActive: { id: 'operator.tenant.not_active', defaultMessage: 'This tenant is {status, select, active {active} suspended {suspended} closed {closed} other {{status}}}. Reactivate it to return it to normal use.' },
  tabBilling: { id: 'operator.tenant.tab.billing', defaultMessage: 'Billing accounts' },
  tabMembers: { id: 'operator.tenant.tab.members', defaultMessage: 'Members' },
  tabAccess: { id: 'operator.tenant.tab.access', defaultMessage: 'Who has access' },
  tabProvisioning: { id: 'operator.tenant.tab.provisioning', defaultMessage: 'Provisioning' },
  tabAudit: { id: 'operator.tenant.tab.audit', defaultMessage: 'Audit log' },
});

export function TenantDetailPage() {
  const intl = useIntl();
  const { id = '' } = useParams();
  const tenant = useApiQuery(tenantKeys.detail(id), () => api.tenants.get(id));
  const [target, setTarget] = useState<Target | null>(null);
  const change = useApiMutation((status: Target) => api.tenants.update(id, { status }), {
    success: (t) => intl.formatMessage(m.nowStatus, { name: t.name, status: t.status }),
    onDone: (t) => {
      tenant.setData(t);
      setTarget(null);
    },
  });
  const loadAudit = useCallback((q: AuditQuery) => api.tenants.audit(id, q), [id]);
  const t = tenant.data;

  return (
    <>
      <Anchor component={Link} to="/operator/tenants" size="sm" mb="xs" display="inline-flex" style={{ alignItems: 'center', gap: 4 }}>
        <IconArrowLeft size={14} /> <FormattedMessage {...m.allTenants} />
      </Anchor>
      <ErrorAlert error={tenant.error} />
      {t && (
        <>
          <PageHeader
            title={t.name}
            badge={<StatusBadge status={t.status} />}
            description={
              <FormattedMessage
                {...m.description}
                values={{
                  slug: <code key="slug">{t.slug}</code>,
                  tier: tierLabel(t.tier),
                  date: formatDate(t.created_at),
                  id: <code key="id">{t.id}</code>,
                  badge: (chunks) => (
                    <Badge variant="outline" color="gray" size="sm">
                      {chunks}
                    </Badge>
                  ),
                }}
              />
            }
            actions={
              <>
                {t.status === 'active' && (
                  <>
                    <Button variant="light" color="orange" onClick={() => { change.reset(); setTarget('suspended'); }}>
                      <FormattedMessage {...m.suspend} />
                    </Button>
                    <Button variant="subtle" color="red" onClick={() => { change.reset(); setTarget('closed'); }}>
                      <FormattedMessage {...m.close} />
                    </Button>
                  </>
                )}
                {t.status !== 'active' && (
                  <Button color="teal" onClick={() => { change.reset(); setTarget('active'); }}>
                    <FormattedMessage {...m.reactivate} />
                  </Button>
                )}
              </>
            }
          />
          <Stack>
            {t.status !== 'active' && (
              <Text size="sm" c="red.9">
                <FormattedMessage {...m.notActive} values={{ status: t.status }} />
              </Text>
            )}
            <Tabs defaultValue="billing" keepMounted={false}>
              <Tabs.List mb="md">
                <Tabs.Tab value="billing" leftSection={<IconCreditCard size={16} />}>
                  <FormattedMessage {...m.tabBilling} />
                </Tabs.Tab>
                <Tabs.Tab value="members" leftSection={<IconUsersGroup size={16} />}>
                  <FormattedMessage {...m.tabMembers} />
                </Tabs.Tab>
                <Tabs.Tab value="access" leftSection={<IconShieldCheck size={16} />}>
                  <FormattedMessage {...m.tabAccess} />
                </Tabs.Tab>
                <Tabs.Tab value="provisioning" leftSection={<IconKey size={16} />}>
                  <FormattedMessage {...m.tabProvisioning} />
                </Tabs.Tab>
                <Tabs.Tab value="audit" leftSection={<IconHistory size={16} />}>
                  <FormattedMessage {...m.tabAudit} />
                </Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="access">
                <TenantReachPanel queryKey={accessReviewKeys.tenant('operator', t.id)} load={(cursor) => accessReviewApi.partnersOfTenant(t.id, cursor)} tenantName={t.name} linkPartners />
              </Tabs.Panel>
              <Tabs.Panel value="billing">
                <BillingAccountsPanel tenantId={t.id} canManage />
              </Tabs.Panel>
              <Tabs.Panel value="members">
                <Stack>
                  <TenantMembersPanel tenantId={t.id} tenantName={t.name} canManage />
                  <OperatorSsoPanel org={{ kind: 'tenant', id: t.id }} name={t.name} />
                </Stack>
              </Tabs.Panel>
              <Tabs.Panel value="provisioning">
                <ProvisioningPanel org={{ type: 'tenant', id: t.id }} orgName={t.name} mode="operator" />
              </Tabs.Panel>
              <Tabs.Panel value="audit">
                <AuditLogView scope={['tenant', t.id]} load={loadAudit} people={operatorPeople} knownNames={{ [t.id]: t.name }} />
              </Tabs.Panel>
            </Tabs>
          </Stack>
        </>
      )}
      {target && (
        <ReasonModal
          opened
          title={intl.formatMessage(CHANGE[target].title)}
          message={intl.formatMessage(CHANGE[target].message)}
          confirmLabel={intl.formatMessage(CHANGE[target].label)}
          color={CHANGE[target].color}
          reason="none"
          busy={change.busy}
          error={change.error}
          onClose={() => setTarget(null)}
          onConfirm={() => void change.run(target)}
        />
      )}
    </>
  );
}
