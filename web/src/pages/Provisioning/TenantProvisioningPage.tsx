/** Tenant admin: SCIM provisioning of the customer's people from its company directory (Entra ID, Okta). */
import { useIntl } from 'react-intl';
import { PageHeader } from '../../components/PageHeader.tsx';
import { defineMessages } from '../../i18n/define.ts';
import { useView } from '../../session/useView.ts';
import { ProvisioningPanel } from './ProvisioningPanel.tsx';

const m = defineMessages({
  title: { id: 'provisioning.title', defaultMessage: 'Provisioning' },
  description: {
    id: 'provisioning.description',
    defaultMessage: "Let your company directory (Microsoft Entra ID or Okta) add, change and remove {name}'s people here, by SCIM.",
  },
});

export function TenantProvisioningPage() {
  const intl = useIntl();
  const t = useView().tenant!;
  return (
    <>
      <PageHeader title={intl.formatMessage(m.title)} description={intl.formatMessage(m.description, { name: t.name })} />
      <ProvisioningPanel org={{ type: 'tenant', id: t.tenant_id }} orgName={t.name} mode="owner" />
    </>
  );
}
