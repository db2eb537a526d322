import { useIntl } from 'react-intl';
import { PageHeader } from '../../components/PageHeader.tsx';
import { defineMessages } from '../../i18n/define.ts';
import { allows } from '../../session/access.ts';
import { useView } from '../../session/useView.ts';
import { TenantMembersPanel } from './TenantMembersPanel.tsx';

const m = defineMessages({
  title: { id: 'tenant_home.members.title', defaultMessage: 'Members' },
  description: {
    id: 'tenant_home.members.description',
    defaultMessage: 'The people of {tenant}. Admins manage members, billing accounts and partner access; users use the tenant’s services.',
  },
});

export function TenantMembersPage() {
  const intl = useIntl();
  const view = useView();
  const t = view.tenant!;
  return (
    <>
      <PageHeader title={intl.formatMessage(m.title)} description={intl.formatMessage(m.description, { tenant: t.name })} />
      <TenantMembersPanel tenantId={t.tenant_id} tenantName={t.name} canManage={allows(t, 'tenant.members.manage')} selfId={view.me.user.id} />
    </>
  );
}
