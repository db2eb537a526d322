/** Partner owner: SCIM provisioning from the company directory (Entra ID, Okta). */
import { PageHeader } from '../../components/PageHeader.tsx';
import { useView } from '../../session/useView.ts';
import { ProvisioningPanel } from './ProvisioningPanel.tsx';

export function ProvisioningPage() {
  const m = useView().partner!;
  return (
    <>
      <PageHeader title="Provisioning" description={`Let your company directory (Microsoft Entra ID or Okta) add, change and remove ${m.name}'s people here, by SCIM.`} />
      <ProvisioningPanel org={{ type: 'partner', id: m.partner_id }} orgName={m.name} mode="owner" />
    </>
  );
}
