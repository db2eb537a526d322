/** Tenant admins: how long partners' apps may act for this customer on one token, and keep renewing it. */
import { tokenLifetimeKeys } from '../../api/keys/securityEvents.ts';
import { tokenLifetimesApi } from '../../api/securityEvents.ts';
import { TokenLifetimesCard } from '../../components/TokenLifetimesCard.tsx';
import { useIntl } from 'react-intl';
import { defineMessage } from '../../i18n/define.ts';

const intro = defineMessage({
  id: 'security.token_lifetimes.tenant_intro',
  defaultMessage:
    "How long a partner's app may act for you on one token before it has to renew it, and how long it may keep renewing without you approving again. Shorter times make a revoked or stolen token useless sooner. Your own people's sign-ins are not affected.",
});

export function TenantTokenLifetimesCard({ tenantId }: { tenantId: string }) {
  const intl = useIntl();
  return (
    <TokenLifetimesCard
      queryKey={tokenLifetimeKeys.tenant(tenantId)}
      load={() => tokenLifetimesApi.tenant(tenantId)}
      save={(b) => tokenLifetimesApi.setTenant(tenantId, b)}
      intro={intl.formatMessage(intro)}
      testId="tenant-token-lifetimes"
    />
  );
}
