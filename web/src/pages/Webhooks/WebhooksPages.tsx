/** The webhook pages of a tenant, a partner and the operator: the same view, each on its own endpoints. */
import { useView } from '../../session/useView.ts';
import { WebhooksView } from './WebhooksView.tsx';

export function TenantWebhooksPage() {
  const t = useView().tenant!;
  return <WebhooksView owner={{ kind: 'tenant', id: t.tenant_id }} who={t.name} />;
}

export function PartnerWebhooksPage() {
  const p = useView().partner!;
  return <WebhooksView owner={{ kind: 'partner', id: p.partner_id }} who={`${p.name} (your customers’ access, your partnership)`} />;
}

export function OperatorWebhooksPage() {
  return <WebhooksView owner={{ kind: 'platform' }} who="any tenant or partner on the platform" />;
}
