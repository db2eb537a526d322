/**
 * The operator's Partners entry: how many partner applications wait for a decision. Shares the overview's
 * cached query, so approving or rejecting an application (any mutation refreshes active queries) drops it.
 */
import { Badge } from '@mantine/core';
import { operatorOverviewApi } from '../../api/overview.ts';
import { operatorOverviewKey } from '../../api/keys/tenantOverview.ts';
import { useApiQuery } from '../../query/query.ts';
import { useView } from '../../session/useView.ts';
import { useIntl } from 'react-intl';
import { defineMessage } from '../../i18n/define.ts';

const waiting = defineMessage({
  id: 'operator.nav.partners_badge',
  defaultMessage: '{count, plural, one {# partner application waits} other {# partner applications wait}} for your decision',
});

export function PartnersNavBadge() {
  const intl = useIntl();
  const view = useView();
  const q = useApiQuery(operatorOverviewKey, () => operatorOverviewApi.get(), { enabled: view.isOperator, staleTime: 30_000 });
  const n = q.data?.waiting.partner_applications.count ?? 0;
  if (!n) return null;
  return (
    <Badge size="sm" color="red" circle aria-label={intl.formatMessage(waiting, { count: n })} data-testid="nav-badge-partners">
      {n}
    </Badge>
  );
}
