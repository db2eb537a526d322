/**
 * The operator overview's "Waiting for you" (each item one sentence and one button to where it is
 * answered) and its delivery-health card. Only what the server counted is shown.
 */
import { Link } from 'react-router';
import { Anchor, Badge, Button, Group, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconChevronRight } from '@tabler/icons-react';
import type { OperatorOverview } from '../../api/overview.ts';
import { dataSourcesApi } from '../../api/dataSources.ts';
import { dataSourceKeys } from '../../api/keys/dataSources.ts';
import { useApiQuery } from '../../query/query.ts';
import { formatDateTime, formatMoney, timeAgo } from '../../components/format.ts';

interface Item {
  key: string;
  kind: string;
  title: string;
  detail: string;
  at?: string;
  to: string;
  action: string;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const money = (minor: number, currency: string) => formatMoney(minor, currency);

function waitingItems(o: OperatorOverview): Item[] {
  const w = o.waiting;
  const items: Item[] = w.partner_applications.oldest.map((a) => ({
    key: a.id,
    kind: 'Partner application',
    title: `${a.name} applied to become a partner`,
    detail: 'Review who they are, then approve with the capabilities they may use, or reject.',
    at: a.applied_at,
    to: `/operator/partners/${a.id}`,
    action: 'Review',
  }));
  const more = w.partner_applications.count - w.partner_applications.oldest.length;
  if (more > 0) items.push({ key: 'more-applications', kind: 'Partner application', title: `${plural(more, 'more application')} wait`, detail: 'The oldest are listed above.', to: '/operator/partners?status=applied', action: 'See all' });
  if (w.access_requests.older > 0)
    items.push({
      key: 'access-requests',
      kind: 'Access request',
      title: `${plural(w.access_requests.older, 'partner access request')} unanswered for more than ${w.access_requests.waiting_days} days`,
      detail: `Tenants answer these; ${w.access_requests.count} wait in all. You may want to remind the tenant or the partner.`,
      to: '/operator/delegations',
      action: 'See requests',
    });
  if (w.agreements_to_approve > 0)
    items.push({ key: 'agreements', kind: 'Program', title: `${plural(w.agreements_to_approve, 'signed agreement')} wait for your approval`, detail: 'The referral partner signed; the agreement applies once you approve it.', to: '/operator/program', action: 'Approve' });
  for (const e of w.earnings_to_approve)
    items.push({ key: `earnings-${e.currency}`, kind: 'Program', title: `${money(e.amount_minor, e.currency)} of earnings wait for approval`, detail: `Pending earnings of ${plural(e.partners, 'referral partner')}.`, to: '/operator/program', action: 'Review' });
  if (w.mail_failed > 0)
    items.push({ key: 'mail', kind: 'E-mail', title: `${plural(w.mail_failed, 'e-mail')} could not be delivered`, detail: 'Every retry failed. Check the mail server settings and the server log.', to: '/operator/mail', action: 'Open mail' });
  return items;
}

export function OperatorWaiting({ o, loading }: { o: OperatorOverview | undefined; loading: boolean }) {
  const items = o ? waitingItems(o) : [];
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="op-waiting-title" data-testid="waiting-for-you">
      <Group gap="xs" mb="xs">
        <Title order={3} size="h4" id="op-waiting-title">
          Waiting for you
        </Title>
        {items.length > 0 && (
          <Badge color="red" variant="filled" data-testid="waiting-count">
            {items.length}
          </Badge>
        )}
      </Group>
      {loading ? (
        <Stack gap="xs">
          <Skeleton h={48} />
          <Skeleton h={48} />
        </Stack>
      ) : !o ? null : items.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="waiting-empty">
          Nothing waits for you. Partner applications, slow access requests, agreements and earnings to approve, and undelivered e-mail appear here.
        </Text>
      ) : (
        <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {items.map((i) => (
            <li key={i.key} data-row="">
              <Paper withBorder radius="sm" p="sm" bg="var(--mantine-color-orange-light)">
                <Group justify="space-between" align="center" wrap="wrap" gap="xs">
                  <Stack gap={2} style={{ flex: '1 1 280px', minWidth: 0 }}>
                    <Group gap={6} wrap="wrap">
                      <Badge size="xs" variant="filled" color="orange.9">
                        {i.kind}
                      </Badge>
                      {i.at && (
                        <Text size="xs" c="dimmed" title={formatDateTime(i.at)}>
                          {timeAgo(i.at)}
                        </Text>
                      )}
                    </Group>
                    <Text fw={600} size="sm">
                      {i.title}
                    </Text>
                    <Text size="sm" c="dimmed">
                      {i.detail}
                    </Text>
                  </Stack>
                  <Button component={Link} to={i.to} size="xs" color="orange" rightSection={<IconChevronRight size={14} />}>
                    {i.action}
                  </Button>
                </Group>
              </Paper>
            </li>
          ))}
        </Stack>
      )}
    </Paper>
  );
}

const OWNER_WORDS: Record<string, string> = { platform: 'your platform endpoints', tenant: 'tenants’ endpoints', partner: 'partners’ endpoints' };

export function OperatorHealth({ o, loading }: { o: OperatorOverview | undefined; loading: boolean }) {
  const h = o?.health;
  const troubled = (h?.webhooks ?? []).filter((w) => w.disabled + w.failing > 0);
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="health-title" data-testid="health">
      <Stack gap="xs">
        <div>
          <Title order={3} size="h4" id="health-title">
            Deliveries and background work
          </Title>
          <Text size="sm" c="dimmed">
            Webhooks of the whole platform; the last two figures are of the server instance that answered.
          </Text>
        </div>
        {loading || !h ? (
          <Skeleton h={96} />
        ) : (
          <Stack gap={6}>
            {troubled.length === 0 ? (
              <Text size="sm">
                <Badge color="green" variant="light" mr={6}>
                  OK
                </Badge>
                No webhook endpoint is failing or turned off.
              </Text>
            ) : (
              troubled.map((w) => (
                <Group key={w.owner_type} gap={6} wrap="wrap">
                  <Badge color={w.disabled > 0 ? 'red' : 'orange'} variant="light">
                    {w.disabled > 0 ? 'Turned off' : 'Failing'}
                  </Badge>
                  <Text size="sm">
                    Of {OWNER_WORDS[w.owner_type] ?? w.owner_type}: {w.disabled} turned off, {w.failing} failing now.
                  </Text>
                  {w.owner_type === 'platform' && (
                    <Button component={Link} to="/operator/webhooks" size="compact-xs" variant="subtle">
                      Open webhooks
                    </Button>
                  )}
                </Group>
              ))
            )}
            {h.change_feed_lag !== null && (
              <Text size="sm">
                <Badge color={h.change_feed_lag === 0 ? 'green' : 'orange'} variant="light" mr={6}>
                  {h.change_feed_lag === 0 ? 'Up to date' : 'Catching up'}
                </Badge>
                {h.change_feed_lag === 0 ? 'Every change (a revocation, a suspension) is applied to access decisions.' : `${plural(h.change_feed_lag, 'change')} not yet applied to access decisions.`}
              </Text>
            )}
            <DataSourcesHealth />
            <Text size="sm">
              <Badge color={h.audit_backlog.spool_broken ? 'red' : h.audit_backlog.pending === 0 ? 'green' : 'blue'} variant="light" mr={6}>
                {h.audit_backlog.spool_broken ? 'Problem' : h.audit_backlog.pending === 0 ? 'Written' : 'Writing'}
              </Badge>
              {h.audit_backlog.spool_broken
                ? 'The gateway cannot keep its access log on disk; see the server log.'
                : h.audit_backlog.pending === 0
                  ? 'Every partner request through the gateway is in the audit log.'
                  : `${plural(h.audit_backlog.pending, 'partner request')} through the gateway still to be written to the audit log.`}
            </Text>
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}

/** The provider systems that send records: lines held back wait for the operator; none means the demo's records. */
function DataSourcesHealth() {
  const q = useApiQuery(dataSourceKeys.all, dataSourcesApi.list);
  if (q.error) {
    return (
      <Text size="sm" c="red.8" role="status">
        The data sources could not be loaded. Reload the page to try again.
      </Text>
    );
  }
  if (!q.data) return <Skeleton h={20} />;
  const sources = q.data.data.filter((x) => !x.built_in && x.status === 'active');
  const held = sources.filter((x) => x.held_lines > 0);
  const last = sources.map((x) => x.last_batch_at).filter((x): x is string => !!x).sort().pop();
  return (
    <Text size="sm" data-testid="health-data-sources">
      <Badge color={sources.length === 0 ? 'gray' : held.length > 0 ? 'orange' : 'green'} variant="light" mr={6}>
        {sources.length === 0 ? 'Demo data' : held.length > 0 ? 'Lines held' : 'Syncing'}
      </Badge>
      {sources.length === 0
        ? 'No provider system sends records yet: the views show the demo world’s records. '
        : held.length > 0
          ? `${held.map((x) => x.name).join(', ')}: ${plural(held.reduce((n, x) => n + x.held_lines, 0), 'line')} held back until they can be applied. `
          : `${plural(sources.length, 'data source')} sending, nothing held back${last ? `; the last batch came ${timeAgo(last)}` : ''}. `}
      <Anchor component={Link} to="/operator/data-sources" size="sm" underline="always">
        Open data sources
      </Anchor>
    </Text>
  );
}
