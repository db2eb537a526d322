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
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { BillingAccountsPanel } from '../TenantHome/BillingAccountsPanel.tsx';
import { TenantMembersPanel } from '../TenantHome/TenantMembersPanel.tsx';
import { ProvisioningPanel } from '../Provisioning/ProvisioningPanel.tsx';
import { accessReviewKeys } from '../../api/keys/accessReview.ts';
import { tenantKeys } from '../../api/keys/tenants.ts';

type Target = 'active' | 'suspended' | 'closed';

const CHANGE: Record<Target, { title: string; message: string; label: string; color: string }> = {
  suspended: { title: 'Suspend this tenant?', message: 'The tenant is marked suspended, for example while a contract is on hold. The change is recorded in the audit log; you can reactivate it at any time.', label: 'Suspend tenant', color: 'orange' },
  closed: { title: 'Close this tenant?', message: 'A closed tenant is kept for the record but no longer used. You can reactivate it later.', label: 'Close tenant', color: 'red' },
  active: { title: 'Reactivate this tenant?', message: 'The tenant is marked active again.', label: 'Reactivate', color: 'teal' },
};

export function TenantDetailPage() {
  const { id = '' } = useParams();
  const tenant = useApiQuery(tenantKeys.detail(id), () => api.tenants.get(id));
  const [target, setTarget] = useState<Target | null>(null);
  const change = useApiMutation((status: Target) => api.tenants.update(id, { status }), {
    success: (t) => `${t.name} is now ${t.status}.`,
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
        <IconArrowLeft size={14} /> All tenants
      </Anchor>
      <ErrorAlert error={tenant.error} />
      {t && (
        <>
          <PageHeader
            title={t.name}
            badge={<StatusBadge status={t.status} />}
            description={
              <>
                <code>{t.slug}</code> · <Badge variant="outline" color="gray" size="sm">{t.tier} tier</Badge> · created {formatDate(t.created_at)} · <code>{t.id}</code>
              </>
            }
            actions={
              <>
                {t.status === 'active' && (
                  <>
                    <Button variant="light" color="orange" onClick={() => { change.reset(); setTarget('suspended'); }}>
                      Suspend
                    </Button>
                    <Button variant="subtle" color="red" onClick={() => { change.reset(); setTarget('closed'); }}>
                      Close
                    </Button>
                  </>
                )}
                {t.status !== 'active' && (
                  <Button color="teal" onClick={() => { change.reset(); setTarget('active'); }}>
                    Reactivate
                  </Button>
                )}
              </>
            }
          />
          <Stack>
            {t.status !== 'active' && (
              <Text size="sm" c="red.9">
                This tenant is {t.status}. Reactivate it to return it to normal use.
              </Text>
            )}
            <Tabs defaultValue="billing" keepMounted={false}>
              <Tabs.List mb="md">
                <Tabs.Tab value="billing" leftSection={<IconCreditCard size={16} />}>
                  Billing accounts
                </Tabs.Tab>
                <Tabs.Tab value="members" leftSection={<IconUsersGroup size={16} />}>
                  Members
                </Tabs.Tab>
                <Tabs.Tab value="access" leftSection={<IconShieldCheck size={16} />}>
                  Who has access
                </Tabs.Tab>
                <Tabs.Tab value="provisioning" leftSection={<IconKey size={16} />}>
                  Provisioning
                </Tabs.Tab>
                <Tabs.Tab value="audit" leftSection={<IconHistory size={16} />}>
                  Audit log
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
          title={CHANGE[target].title}
          message={CHANGE[target].message}
          confirmLabel={CHANGE[target].label}
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
