/**
 * Sidebar badges for the partner program: a count where something waits for the person looking. Kept out of
 * the pages' chunks (the sidebar is always on screen) and sharing the pages' cached queries by key.
 */
import { Badge } from '@mantine/core';
import { useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';
import { programApi } from '../../api/program.ts';
import { useApiQuery } from '../../query/query.ts';
import { allows } from '../../session/access.ts';
import { useView } from '../../session/useView.ts';
import { programKeys } from '../../api/keys/program.ts';

const msg = defineMessages({
  agreementWaits: { id: 'program.nav.agreement_waits', defaultMessage: 'An agreement waits for your signature' },
  approvalsWait: { id: 'program.nav.approvals_wait', defaultMessage: '{count, plural, one {# agreement waits for your approval} other {# agreements wait for your approval}}' },
});

/** "1" on the partner's Agreement entry while a version waits for the owner's signature. */
export function AgreementNavBadge() {
  const intl = useIntl();
  const view = useView();
  const m = view.partner;
  const pid = m?.partner_id ?? '';
  const canSign = allows(m, 'partner.agreements.sign');
  const s = useApiQuery(programKeys.summary(pid), () => programApi.summary(pid), { enabled: !!pid && canSign, staleTime: 30_000 });
  if (!s.data?.agreement_to_sign) return null;
  return (
    <Badge size="sm" color="orange" circle aria-label={intl.formatMessage(msg.agreementWaits)} data-testid="nav-badge-agreement">
      1
    </Badge>
  );
}

/** The operator's Programs entry: how many partners wait for an approval of their signed agreement. */
export function ProgramsNavBadge() {
  const intl = useIntl();
  const p = useApiQuery(programKeys.op.partners, () => programApi.partners(), { staleTime: 30_000 });
  const n = (p.data?.items ?? []).filter((r) => r.waiting === 'approve').length;
  if (!n) return null;
  return (
    <Badge size="sm" color="red" circle aria-label={intl.formatMessage(msg.approvalsWait, { count: n })} data-testid="nav-badge-programs">
      {n}
    </Badge>
  );
}
