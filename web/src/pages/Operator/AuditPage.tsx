import { api } from '../../api/index.ts';
import { AuditLogView } from '../../components/AuditLogView.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { operatorPeople } from '../../components/people.ts';

export function AuditPage() {
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change on the platform, who made it and from where — append-only and hash-chained, so tampering is detectable."
      />
      <AuditLogView scope={['operator']} load={api.audit.list} scopeFilters people={operatorPeople} />
    </>
  );
}
