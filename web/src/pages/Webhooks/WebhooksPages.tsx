/** The webhook pages of a tenant, a partner and the operator: the same view, each on its own endpoints. */
import { useView } from '../../session/useView.ts';
import { WebhooksView } from './WebhooksView.tsx';

export function TenantWebhooksPage() {
  const t = useView().tenant!;
  return <WebhooksView owner={{ kind: 'tenant', id: t.tenant_id }} who={t.name} examples="when a partner asks for access, when access ends, and more" />;
}

export function PartnerWebhooksPage() {
  const p = useView().partner!;
  return <WebhooksView owner={{ kind: 'partner', id: p.partner_id }} who={p.name} examples="when a customer approves or rejects your access request, when access ends, when your partnership changes, and more" />;
}

export function OperatorWebhooksPage() {
  return <WebhooksView owner={{ kind: 'platform' }} who="any tenant or partner on the platform" examples="whenever anything in the event catalog happens anywhere on the platform" />;
}
