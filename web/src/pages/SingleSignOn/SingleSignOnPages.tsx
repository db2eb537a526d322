/** The single sign-on pages of a partner and a tenant (the same view on each one's routes). */
import { useView } from '../../session/useView.ts';
import { SingleSignOnView } from './SingleSignOnView.tsx';

export function PartnerSingleSignOnPage() {
  const p = useView().partner!;
  return <SingleSignOnView org={{ kind: 'partner', id: p.partner_id }} who={p.name} domainsPath="/partner/domains" />;
}

export function TenantSingleSignOnPage() {
  const t = useView().tenant!;
  return <SingleSignOnView org={{ kind: 'tenant', id: t.tenant_id }} who={t.name} domainsPath={`/tenant/${t.tenant_id}/domains`} />;
}
