/** Audit streaming of a tenant, a partner and the platform: the same view, each on its own events. */
import { useIntl } from 'react-intl';
import { useView } from '../../session/useView.ts';
import { defineMessages } from '../../i18n/define.ts';
import { AuditStreamingView } from './AuditStreamingView.tsx';

const m = defineMessages({
  tenantWhose: { id: 'audit_streaming.whose.tenant', defaultMessage: "every event about your organization, including each partner's access to your data" },
  partnerWhose: { id: 'audit_streaming.whose.partner', defaultMessage: 'every event about your organization and everything your people and apps do' },
  platformWhose: { id: 'audit_streaming.whose.platform', defaultMessage: 'every event on the platform, of every tenant and partner' },
  platform: { id: 'audit_streaming.who.platform', defaultMessage: 'the platform' },
});

export function TenantAuditStreamingPage() {
  const intl = useIntl();
  const t = useView().tenant!;
  return <AuditStreamingView owner={{ kind: 'tenant', id: t.tenant_id }} who={t.name} whose={intl.formatMessage(m.tenantWhose)} />;
}

export function PartnerAuditStreamingPage() {
  const intl = useIntl();
  const p = useView().partner!;
  return <AuditStreamingView owner={{ kind: 'partner', id: p.partner_id }} who={p.name} whose={intl.formatMessage(m.partnerWhose)} />;
}

export function OperatorAuditStreamingPage() {
  const intl = useIntl();
  return <AuditStreamingView owner={{ kind: 'platform' }} who={intl.formatMessage(m.platform)} whose={intl.formatMessage(m.platformWhose)} />;
}
