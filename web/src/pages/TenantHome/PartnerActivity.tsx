/**
 * The overview's "Recent partner activity": the last few things partners' people and apps did in this
 * tenant, from its audit log, in the audit log's words (auditActions / auditLogLabels). Repeated reads
 * by the same person of the same data are one line with a count. Shown to those who read the audit log.
 */
import { FormattedMessage, useIntl, type IntlShape } from 'react-intl';
import { Link } from 'react-router';
import { Anchor, Group, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { api, type AuditEventDto, type TenantMembershipDto } from '../../api/index.ts';
import { delegationsApi } from '../../api/delegations.ts';
import { overviewKeys } from '../../api/keys/tenantOverview.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { actionLabel } from '../../components/auditActions.ts';
import { actorOf, targetOf, type Names } from '../../components/auditLogLabels.ts';
import { formatDateTime, timeAgo } from '../../components/format.ts';
import { useApiQuery } from '../../query/query.ts';
import { usePermissionWords } from '../Msp/shared.tsx';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  title: { id: 'tenant_home.activity.title', defaultMessage: 'Recent partner activity' },
  openAudit: { id: 'tenant_home.activity.open_audit', defaultMessage: 'Open the audit log' },
  failed: { id: 'tenant_home.activity.failed', defaultMessage: 'Partner activity could not be loaded' },
  noPartner: { id: 'tenant_home.activity.empty.no_partner', defaultMessage: 'No partner has had access to your data, so there is no partner activity.' },
  nothingYet: { id: 'tenant_home.activity.empty.nothing_yet', defaultMessage: 'No partner has done anything in your tenant yet.' },
  aPartner: { id: 'tenant_home.activity.a_partner', defaultMessage: 'A partner' },
  someoneAt: { id: 'tenant_home.activity.someone_at', defaultMessage: 'Someone at {organization}' },
  actionOn: { id: 'tenant_home.activity.action_on', defaultMessage: '{action}: {target}' },
  line: {
    id: 'tenant_home.activity.line',
    defaultMessage:
      '<b>{who}</b>{hasOrg, select, yes { ({organization})} other {}} — {what}{times, plural, one {} other { (# times)}}{outcome, select, denied { — refused} failed { — failed} other {}}',
  },
});

const SHOWN = 8;
/** events read per partner: enough that a burst of reads by one partner does not hide another's actions */
const PER_PARTNER = 30;

/** '' when it succeeded, else how it ended: 'denied' or 'failed' (the line says it in words) */
const outcomeOf = (o: string) => (o === 'success' ? '' : o === 'denied' ? 'denied' : 'failed');

export interface ActivityLine {
  key: string;
  who: string;
  org: string | null;
  what: string;
  at: string;
  times: number;
  /** '' when it succeeded, else how it ended: 'denied' or 'failed' */
  outcome: string;
}

/** Partner events, newest first, with runs of the same person doing the same thing to the same target made one line. */
export function activityLines(intl: IntlShape, events: AuditEventDto[], names: Names, permissionWord: (p: string) => string, limit = SHOWN): ActivityLine[] {
  const lines: ActivityLine[] = [];
  const sorted = [...events].sort((a, b) => b.occurred_at.localeCompare(a.occurred_at) || b.seq - a.seq);
  for (const e of sorted) {
    const actor = actorOf(e, names);
    const target = targetOf(e, names, permissionWord);
    const org: string | null = e.partner_name ?? (e.actor.partner_id ? (names.partners.get(e.actor.partner_id) ?? null) : null);
    const who = actor?.main ?? (org ? intl.formatMessage(m.someoneAt, { organization: org }) : intl.formatMessage(m.aPartner));
    // the target, unless it only repeats the partner ("Partner access requested: Fabrikam MSP")
    const what = target && target.main !== org ? intl.formatMessage(m.actionOn, { action: actionLabel(e.action), target: target.main }) : actionLabel(e.action);
    const last = lines[lines.length - 1];
    if (last && last.who === who && last.what === what && last.outcome === outcomeOf(e.outcome)) {
      last.times += 1;
      continue;
    }
    if (lines.length === limit) break;
    lines.push({ key: e.id, who, org: org && org !== who ? org : null, what, at: e.occurred_at, times: 1, outcome: outcomeOf(e.outcome) });
  }
  return lines;
}

export function PartnerActivity({ t }: { t: TenantMembershipDto }) {
  const intl = useIntl();
  const tenantId = t.tenant_id;
  const base = `/tenant/${tenantId}`;
  const dlg = useApiQuery(overviewKeys.delegations(tenantId), () => delegationsApi.tenantList(tenantId), { staleTime: 30_000 });
  const partners = [...new Map((dlg.data?.data ?? []).map((d) => [d.partner.id, d.partner.name ?? intl.formatMessage(m.aPartner)])).entries()].slice(0, 8);
  const ids = partners.map(([id]) => id);
  const events = useApiQuery(
    overviewKeys.partnerActivity(tenantId, ids),
    async () => {
      const pages = await Promise.all(ids.map((pid) => api.tenants.audit(tenantId, { partner_id: pid, limit: PER_PARTNER })));
      // done by a partner's people or apps: not what the tenant's own admins did about a partner
      return pages.flatMap((p) => p.data).filter((e) => !!e.actor.partner_id || e.actor.type === 'app');
    },
    { enabled: !!dlg.data, staleTime: 30_000 },
  );
  const words = usePermissionWords();
  const names: Names = { people: new Map(), tenants: new Map([[tenantId, t.name]]), partners: new Map(partners) };
  const lines = events.data ? activityLines(intl, events.data, names, words.word) : [];
  const error = dlg.error ?? events.error;
  // the permissions' words too: an operator's own wording of a permission is shown as written, not first as the built-in one
  const loading = !error && (dlg.loading || events.loading || words.loading || (!!dlg.data && !events.data));

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="partner-activity-title" data-testid="partner-activity">
      <Group justify="space-between" mb="xs" wrap="wrap" gap="xs">
        <Title order={2} size="h4" id="partner-activity-title">
          <FormattedMessage {...m.title} />
        </Title>
        <Anchor component={Link} to={`${base}/audit`} size="sm">
          <FormattedMessage {...m.openAudit} />
        </Anchor>
      </Group>
      {error ? (
        <ErrorAlert error={error} title={intl.formatMessage(m.failed)} />
      ) : loading ? (
        <Stack gap="xs">
          <Skeleton h={18} />
          <Skeleton h={18} />
          <Skeleton h={18} />
        </Stack>
      ) : lines.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="partner-activity-empty">
          {intl.formatMessage(partners.length === 0 ? m.noPartner : m.nothingYet)}
        </Text>
      ) : (
        <Stack gap="sm" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {lines.map((l) => (
            <li key={l.key} data-row="">
              <Text size="sm">
                <FormattedMessage
                  {...m.line}
                  values={{ who: l.who, hasOrg: l.org ? 'yes' : 'no', organization: l.org ?? '', what: l.what, times: l.times, outcome: l.outcome || 'success', b: (chunks) => <b>{chunks}</b> }}
                />
              </Text>
              <Text size="xs" c="dimmed" title={formatDateTime(l.at)}>
                {timeAgo(l.at)}
              </Text>
            </li>
          ))}
        </Stack>
      )}
    </Paper>
  );
}
