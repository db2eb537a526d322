import { useCallback, useMemo } from 'react';
import { api, type AuditQuery } from '../../api/index.ts';
import { AuditLogView } from '../../components/AuditLogView.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { membersPeople } from '../../components/people.ts';
import { useView } from '../../session/useView.ts';

export function PartnerAuditPage() {
  const m = useView().partner!;
  const load = useCallback((q: AuditQuery) => api.partners.audit(m.partner_id, q), [m.partner_id]);
  const people = useMemo(() => membersPeople(() => api.partners.members(m.partner_id)), [m.partner_id]);
  return (
    <>
      <PageHeader title="Audit log" description={`Everything done to ${m.name} or by its people and apps.`} />
      <AuditLogView scope={['partner', m.partner_id]} load={load} people={people} knownNames={{ [m.partner_id]: m.name }} />
    </>
  );
}
