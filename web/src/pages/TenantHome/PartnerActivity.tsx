/**
 * The overview's "Recent partner activity": the last few things partners' people and apps did in this
 * tenant, from its audit log, in the audit log's words (auditActions / auditLogLabels). Repeated reads
 * by the same person of the same data are one line with a count. Shown to those who read the audit log.
 */
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

const SHOWN = 8;
/** events read per partner: enough that a burst of reads by one partner does not hide another's actions */
const PER_PARTNER = 30;

const outcomeWord = (o: string) => (o === 'success' ? '' : o === 'denied' ? 'refused' : 'failed');

export interface ActivityLine {
  key: string;
  who: string;
  org: string | null;
  what: string;
  at: string;
  times: number;
  /** '' when it succeeded, else how it ended in words */
  outcome: string;
}

/** Partner events, newest first, with runs of the same person doing the same thing to the same target made one line. */
export function activityLines(events: AuditEventDto[], names: Names, permissionWord: (p: string) => string, limit = SHOWN): ActivityLine[] {
  const lines: ActivityLine[] = [];
  const sorted = [...events].sort((a, b) => b.occurred_at.localeCompare(a.occurred_at) || b.seq - a.seq);
  for (const e of sorted) {
    const actor = actorOf(e, names);
    const target = targetOf(e, names, permissionWord);
    const org: string | null = e.partner_name ?? (e.actor.partner_id ? (names.partners.get(e.actor.partner_id) ?? null) : null);
    const who = actor?.main ?? (org ? `Someone at ${org}` : 'A partner');
    // the target, unless it only repeats the partner ("Partner access requested: Fabrikam MSP")
    const what = `${actionLabel(e.action)}${target && target.main !== org ? `: ${target.main}` : ''}`;
    const last = lines[lines.length - 1];
    if (last && last.who === who && last.what === what && last.outcome === outcomeWord(e.outcome)) {
      last.times += 1;
      continue;
    }
    if (lines.length === limit) break;
    lines.push({ key: e.id, who, org: org && org !== who ? org : null, what, at: e.occurred_at, times: 1, outcome: outcomeWord(e.outcome) });
  }
  return lines;
}

export function PartnerActivity({ t }: { t: TenantMembershipDto }) {
  const tenantId = t.tenant_id;
  const base = `/tenant/${tenantId}`;
  const dlg = useApiQuery(overviewKeys.delegations(tenantId), () => delegationsApi.tenantList(tenantId), { staleTime: 30_000 });
  const partners = [...new Map((dlg.data?.data ?? []).map((d) => [d.partner.id, d.partner.name ?? 'A partner'])).entries()].slice(0, 8);
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
  const lines = events.data ? activityLines(events.data, names, words.word) : [];
  const error = dlg.error ?? events.error;
  const loading = !error && (dlg.loading || events.loading || (!!dlg.data && !events.data));

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="partner-activity-title" data-testid="partner-activity">
      <Group justify="space-between" mb="xs" wrap="wrap" gap="xs">
        <Title order={3} size="h4" id="partner-activity-title">
          Recent partner activity
        </Title>
        <Anchor component={Link} to={`${base}/audit`} size="sm">
          Open the audit log
        </Anchor>
      </Group>
      {error ? (
        <ErrorAlert error={error} title="Partner activity could not be loaded" />
      ) : loading ? (
        <Stack gap="xs">
          <Skeleton h={18} />
          <Skeleton h={18} />
          <Skeleton h={18} />
        </Stack>
      ) : lines.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="partner-activity-empty">
          {partners.length === 0 ? 'No partner has had access to your data, so there is no partner activity.' : 'No partner has done anything in your tenant yet.'}
        </Text>
      ) : (
        <Stack gap="sm" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {lines.map((l) => (
            <li key={l.key} data-row="">
              <Text size="sm">
                <b>{l.who}</b>
                {l.org ? ` (${l.org})` : ''} — {l.what}
                {l.times > 1 ? ` (${l.times} times)` : ''}
                {l.outcome ? ` — ${l.outcome}` : ''}
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
