/** Tenant admin: who can reach this tenant's data right now, and with what. */
import { Anchor, Text } from '@mantine/core';
import { Link } from 'react-router';
import { accessReviewApi } from '../../api/accessReview.ts';
import { accessReviewKeys } from '../../api/keys/accessReview.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { allows } from '../../session/access.ts';
import { useView } from '../../session/useView.ts';
import { TenantReachPanel } from './TenantReachPanel.tsx';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  title: { id: 'access_review.page.title', defaultMessage: 'Who has access' },
  intro: {
    id: 'access_review.page.intro',
    defaultMessage:
      "The partners who can work on {tenant}'s data right now, what each may do, and which of their staff may do it (when signed in with a second factor). Access waiting for your approval, expired or revoked does not appear.",
  },
  manage: { id: 'access_review.page.manage', defaultMessage: "To approve, change or end a partner's access, go to <link>Partners with access</link>." },
  admins: { id: 'access_review.page.admins', defaultMessage: "Your tenant's admins approve, change and end a partner's access." },
});

export function TenantAccessReviewPage() {
  const intl = useIntl();
  const t = useView().tenant!;
  return (
    <>
      <PageHeader
        title={intl.formatMessage(m.title)}
        description={
          <Text size="sm" c="dimmed" span>
            <FormattedMessage {...m.intro} values={{ tenant: t.name }} />{' '}
            {allows(t, 'tenant.delegations.manage') ? (
              <FormattedMessage
                {...m.manage}
                values={{
                  link: (chunks) => (
                    <Anchor component={Link} to={`/tenant/${t.tenant_id}/partners`} size="sm" underline="always">
                      {chunks}
                    </Anchor>
                  ),
                }}
              />
            ) : (
              <FormattedMessage {...m.admins} />
            )}
          </Text>
        }
      />
      <TenantReachPanel queryKey={accessReviewKeys.tenant('tenant', t.tenant_id)} load={(cursor) => accessReviewApi.partnersOfOwnTenant(t.tenant_id, cursor)} tenantName={t.name} linkPartners={false} intro={false} />
    </>
  );
}
