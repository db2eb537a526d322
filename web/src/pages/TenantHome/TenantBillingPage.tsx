import { PageHeader } from '../../components/PageHeader.tsx';
import { allows } from '../../session/access.ts';
import { useView } from '../../session/useView.ts';
import { BillingAccountsPanel } from './BillingAccountsPanel.tsx';

export function TenantBillingPage() {
  const t = useView().tenant!;
  return (
    <>
      <PageHeader title="Billing accounts" description={`The billing accounts (BANs) of ${t.name}.`} />
      <BillingAccountsPanel tenantId={t.tenant_id} canManage={allows(t, 'tenant.billing_accounts.manage')} />
    </>
  );
}
