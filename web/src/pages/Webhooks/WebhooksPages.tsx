/** The webhook pages of a tenant, a partner and the operator: the same view, each on its own endpoints. */
import { useIntl } from 'react-intl';
import { useView } from '../../session/useView.ts';
import { defineMessages } from '../../i18n/define.ts';
import { WebhooksView } from './WebhooksView.tsx';

const m = defineMessages({
  tenantExamples: { id: 'webhooks.examples.tenant', defaultMessage: 'when a partner asks for access, when access ends, and more' },
  partnerExamples: {
    id: 'webhooks.examples.partner',
    defaultMessage: 'when a customer approves or rejects your access request, when access ends, when your partnership changes, and more',
  },
  platformExamples: { id: 'webhooks.examples.platform', defaultMessage: 'whenever anything in the event catalog happens anywhere on the platform' },
  platformWho: { id: 'webhooks.who.platform', defaultMessage: 'any tenant or partner on the platform' },
});

export function TenantWebhooksPage() {
  const intl = useIntl();
  const t = useView().tenant!;
  return <WebhooksView owner={{ kind: 'tenant', id: t.tenant_id }} who={t.name} examples={intl.formatMessage(m.tenantExamples)} />;
}

export function PartnerWebhooksPage() {
  const intl = useIntl();
  const p = useView().partner!;
  return <WebhooksView owner={{ kind: 'partner', id: p.partner_id }} who={p.name} examples={intl.formatMessage(m.partnerExamples)} />;
}

export function OperatorWebhooksPage() {
  const intl = useIntl();
  return <WebhooksView owner={{ kind: 'platform' }} who={intl.formatMessage(m.platformWho)} examples={intl.formatMessage(m.platformExamples)} />;
}
