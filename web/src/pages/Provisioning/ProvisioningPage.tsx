/** Partner owner: SCIM provisioning from the company directory (Entra ID, Okta). */
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

export function ProvisioningPage() {
  const intl = useIntl();
  const p = useView().partner!;
  return (
    <>
      <PageHeader title={intl.formatMessage(m.title)} description={intl.formatMessage(m.description, { name: p.name })} />
      <ProvisioningPanel org={{ type: 'partner', id: p.partner_id }} orgName={p.name} mode="owner" />
    </>
  );
}
