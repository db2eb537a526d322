/** Tenant admin: SCIM provisioning of the customer's people from its company directory (Entra ID, Okta). */
import { PageHeader } from '../../components/PageHeader.tsx';
import { useView } from '../../session/useView.ts';
import { ProvisioningPanel } from './ProvisioningPanel.tsx';

export function TenantProvisioningPage() {
  const t = useView().tenant!;
  return (
    <>
      <PageHeader title="Provisioning" description={`Let your company directory (Microsoft Entra ID or Okta) add, change and remove ${t.name}'s people here, by SCIM.`} />
      <ProvisioningPanel org={{ type: 'tenant', id: t.tenant_id }} orgName={t.name} mode="owner" />
    </>
  );
}
