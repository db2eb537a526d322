/** Audit streaming of a tenant, a partner and the platform: the same view, each on its own events. */
import { useView } from '../../session/useView.ts';
import { AuditStreamingView } from './AuditStreamingView.tsx';

export function TenantAuditStreamingPage() {
  const t = useView().tenant!;
  return <AuditStreamingView owner={{ kind: 'tenant', id: t.tenant_id }} who={t.name} whose="every event about your organization, including each partner's access to your data" />;
}

export function PartnerAuditStreamingPage() {
  const p = useView().partner!;
  return <AuditStreamingView owner={{ kind: 'partner', id: p.partner_id }} who={p.name} whose="every event about your organization and everything your people and apps do" />;
}

export function OperatorAuditStreamingPage() {
  return <AuditStreamingView owner={{ kind: 'platform' }} who="the platform" whose="every event on the platform, of every tenant and partner" />;
}
