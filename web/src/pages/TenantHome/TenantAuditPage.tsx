import { useCallback, useMemo } from 'react';
import { api, type AuditQuery } from '../../api/index.ts';
import { AuditLogView } from '../../components/AuditLogView.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { membersPeople } from '../../components/people.ts';
import { useView } from '../../session/useView.ts';

export function TenantAuditPage() {
  const t = useView().tenant!;
  const load = useCallback((q: AuditQuery) => api.tenants.audit(t.tenant_id, q), [t.tenant_id]);
  const people = useMemo(() => membersPeople(() => api.tenants.members(t.tenant_id)), [t.tenant_id]);
  return (
    <>
      <PageHeader title="Audit log" description={`Everything that happened in ${t.name}: member and billing changes, and every access by a partner to its data.`} />
      <AuditLogView key={t.tenant_id} scope={['tenant', t.tenant_id]} load={load} people={people} knownNames={{ [t.tenant_id]: t.name }} />
    </>
  );
}
