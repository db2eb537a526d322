/** Tenant admin: who can reach this tenant's data right now, and with what. */
import { Anchor, Text } from '@mantine/core';
import { Link } from 'react-router';
import { accessReviewApi } from '../../api/accessReview.ts';
import { accessReviewKeys } from '../../api/keys/accessReview.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { allows } from '../../session/access.ts';
import { useView } from '../../session/useView.ts';
import { TenantReachPanel } from './TenantReachPanel.tsx';

export function TenantAccessReviewPage() {
  const t = useView().tenant!;
  return (
    <>
      <PageHeader
        title="Who has access"
        description={
          <Text size="sm" c="dimmed" span>
            The partners who can work on {t.name}'s data right now, what each may do, and which of their staff may do it (when signed in with a second factor). Access waiting for your approval,
            expired or revoked does not appear.{' '}
            {allows(t, 'tenant.delegations.manage') ? (
              <>
                To approve, change or end a partner's access, go to{' '}
                <Anchor component={Link} to={`/tenant/${t.tenant_id}/partners`} size="sm" underline="always">
                  Partners with access
                </Anchor>
                .
              </>
            ) : (
              "Your tenant's admins approve, change and end a partner's access."
            )}
          </Text>
        }
      />
      <TenantReachPanel queryKey={accessReviewKeys.tenant('tenant', t.tenant_id)} load={(cursor) => accessReviewApi.partnersOfOwnTenant(t.tenant_id, cursor)} tenantName={t.name} linkPartners={false} intro={false} />
    </>
  );
}
