import { useCallback, useMemo } from 'react';
import { useIntl } from 'react-intl';
import { api, type AuditQuery } from '../../api/index.ts';
import { AuditLogView } from '../../components/AuditLogView.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { membersPeople } from '../../components/people.ts';
import { useView } from '../../session/useView.ts';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  title: { id: 'partner_home.audit.title', defaultMessage: 'Audit log' },
  description: { id: 'partner_home.audit.description', defaultMessage: 'Everything done to {partner} or by its people and apps.' },
});

export function PartnerAuditPage() {
  const intl = useIntl();
  const p = useView().partner!;
  const load = useCallback((q: AuditQuery) => api.partners.audit(p.partner_id, q), [p.partner_id]);
  const people = useMemo(() => membersPeople(() => api.partners.members(p.partner_id)), [p.partner_id]);
  return (
    <>
      <PageHeader title={intl.formatMessage(m.title)} description={intl.formatMessage(m.description, { partner: p.name })} />
      <AuditLogView scope={['partner', p.partner_id]} load={load} people={people} knownNames={{ [p.partner_id]: p.name }} />
    </>
  );
}
