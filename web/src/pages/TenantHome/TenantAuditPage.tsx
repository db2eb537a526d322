import { useCallback, useMemo } from 'react';
import { useIntl } from 'react-intl';
import { api, type AuditQuery } from '../../api/index.ts';
import { AuditLogView } from '../../components/AuditLogView.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { membersPeople } from '../../components/people.ts';
import { useView } from '../../session/useView.ts';
import { allows } from '../../session/access.ts';
import { delegationsApi } from '../../api/delegations.ts';
import { useApiQuery } from '../../query/query.ts';
import { auditKeys } from '../../api/keys/audit.ts';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  title: { id: 'tenant_home.audit.title', defaultMessage: 'Audit log' },
  description: { id: 'tenant_home.audit.description', defaultMessage: 'Everything that happened in {tenant}: member and billing changes, and every access by a partner to its data.' },
  aPartner: { id: 'tenant_home.audit.a_partner', defaultMessage: 'A partner' },
});

export function TenantAuditPage() {
  const intl = useIntl();
  const t = useView().tenant!;
  const load = useCallback((q: AuditQuery) => api.tenants.audit(t.tenant_id, q), [t.tenant_id]);
  const people = useMemo(() => membersPeople(() => api.tenants.members(t.tenant_id)), [t.tenant_id]);
  // the partners that have or had access, to filter by; offered once the server filters the tenant's log by partner
  const partners = useApiQuery(auditKeys.tenantPartners(t.tenant_id), async () => {
    const list = await delegationsApi.tenantList(t.tenant_id, { limit: 200 }).catch(() => ({ data: [] }));
    const byId = new Map(list.data.map((d) => [d.partner.id, d.partner.name ?? intl.formatMessage(m.aPartner)]));
    const options = [...byId].map(([value, label]) => ({ value, label }));
    if (options.length === 0) return { options, filterable: false };
    const filterable = await api.tenants
      .audit(t.tenant_id, { limit: 1, partner_id: options[0].value })
      .then(() => true)
      .catch(() => false);
    return { options, filterable };
  }, { enabled: allows(t, 'tenant.delegations.read'), staleTime: 300_000 });
  // partners' names, so their people's events read "Someone at Fabrikam MSP" rather than an id
  const known = useMemo(() => ({ [t.tenant_id]: t.name, ...Object.fromEntries((partners.data?.options ?? []).map((o) => [o.value, o.label])) }), [t.tenant_id, t.name, partners.data]);
  return (
    <>
      <PageHeader title={intl.formatMessage(m.title)} description={intl.formatMessage(m.description, { tenant: t.name })} />
      <AuditLogView key={t.tenant_id} scope={['tenant', t.tenant_id]} load={load} people={people} knownNames={known} partnerFilter={partners.data?.filterable ? partners.data.options : undefined} />
    </>
  );
}
