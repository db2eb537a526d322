import { api } from '../../api/index.ts';
import { AuditLogView } from '../../components/AuditLogView.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { operatorPeople } from '../../components/people.ts';
import { useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  title: { id: 'operator.audit.title', defaultMessage: 'Audit log' },
  description: {
    id: 'operator.audit.description',
    defaultMessage: 'Every change on the platform, who made it and from where — append-only and hash-chained, so tampering is detectable.',
  },
});

export function AuditPage() {
  const intl = useIntl();
  return (
    <>
      <PageHeader title={intl.formatMessage(m.title)} description={intl.formatMessage(m.description)} />
      <AuditLogView scope={['operator']} load={api.audit.list} scopeFilters people={operatorPeople} />
    </>
  );
}
