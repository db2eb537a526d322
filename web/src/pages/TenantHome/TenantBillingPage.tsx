import { useIntl } from 'react-intl';
import { PageHeader } from '../../components/PageHeader.tsx';
import { defineMessages } from '../../i18n/define.ts';
import { allows } from '../../session/access.ts';
import { useView } from '../../session/useView.ts';
import { BillingAccountsPanel } from './BillingAccountsPanel.tsx';

const m = defineMessages({
  title: { id: 'tenant_home.billing.title', defaultMessage: 'Billing accounts' },
  description: { id: 'tenant_home.billing.description', defaultMessage: 'The billing accounts (BANs) of {tenant}.' },
});

export function TenantBillingPage() {
  const intl = useIntl();
  const t = useView().tenant!;
  return (
    <>
      <PageHeader title={intl.formatMessage(m.title)} description={intl.formatMessage(m.description, { tenant: t.name })} />
      <BillingAccountsPanel tenantId={t.tenant_id} canManage={allows(t, 'tenant.billing_accounts.manage')} />
    </>
  );
}
