import { PageHeader } from '../../components/PageHeader.tsx';
import { allows } from '../../session/access.ts';
import { useView } from '../../session/useView.ts';
import { TenantMembersPanel } from './TenantMembersPanel.tsx';

export function TenantMembersPage() {
  const view = useView();
  const t = view.tenant!;
  return (
    <>
      <PageHeader title="Members" description={`The people of ${t.name}. Admins manage members, billing accounts and partner access; users use the tenant’s services.`} />
      <TenantMembersPanel tenantId={t.tenant_id} tenantName={t.name} canManage={allows(t, 'tenant.members.manage')} selfId={view.me.user.id} />
    </>
  );
}
