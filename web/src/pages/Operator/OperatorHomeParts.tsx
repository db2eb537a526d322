/**
 * The operator overview's "Waiting for you" (each item one sentence and one button to where it is
 * answered) and its delivery-health card. Only what the server counted is shown.
 */
import { Link } from 'react-router';
import { Anchor, Badge, Button, Group, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconChevronRight } from '@tabler/icons-react';
import { FormattedMessage, useIntl, type IntlShape } from 'react-intl';
import type { OperatorOverview } from '../../api/overview.ts';
import { dataSourcesApi } from '../../api/dataSources.ts';
import { dataSourceKeys } from '../../api/keys/dataSources.ts';
import { useApiQuery } from '../../query/query.ts';
import { formatDateTime, formatMoney, timeAgo } from '../../components/format.ts';
import { defineMessages, type Message } from '../../i18n/define.ts';

const m = defineMessages({
  kindApplication: { id: 'operator.home.waiting.kind.application', defaultMessage: 'Partner application' },
  kindAccessRequest: { id: 'operator.home.waiting.kind.access_request', defaultMessage: 'Access request' },
  kindProgram: { id: 'operator.home.waiting.kind.program', defaultMessage: 'Program' },
  kindMail: { id: 'operator.home.waiting.kind.mail', defaultMessage: 'E-mail' },
  applicationTitle: { id: 'operator.home.waiting.application.title', defaultMessage: '{name} applied to become a partner' },
  applicationDetail: { id: 'operator.home.waiting.application.detail', defaultMessage: 'Review who they are, then approve with the capabilities they may use, or reject.' },
  review: { id: 'operator.home.waiting.action.review', defaultMessage: 'Review' },
  moreTitle: { id: 'operator.home.waiting.more_applications.title', defaultMessage: '{count, plural, one {# more application} other {# more applications}} wait' },
  moreDetail: { id: 'operator.home.waiting.more_applications.detail', defaultMessage: 'The oldest are listed above.' },
  seeAll: { id: 'operator.home.waiting.action.see_all', defaultMessage: 'See all' },
  accessTitle: {
    id: 'operator.home.waiting.access_requests.title',
    defaultMessage: '{count, plural, one {# partner access request} other {# partner access requests}} unanswered for more than {days} days',
  },
  accessDetail: {
    id: 'operator.home.waiting.access_requests.detail',
    defaultMessage: 'Tenants answer these; {total} wait in all. You may want to remind the tenant or the partner.',
  },
  seeRequests: { id: 'operator.home.waiting.action.see_requests', defaultMessage: 'See requests' },
  agreementsTitle: { id: 'operator.home.waiting.agreements.title', defaultMessage: '{count, plural, one {# signed agreement} other {# signed agreements}} wait for your approval' },
  agreementsDetail: { id: 'operator.home.waiting.agreements.detail', defaultMessage: 'The referral partner signed; the agreement applies once you approve it.' },
  approve: { id: 'operator.home.waiting.action.approve', defaultMessage: 'Approve' },
  earningsTitle: { id: 'operator.home.waiting.earnings.title', defaultMessage: '{amount} of earnings wait for approval' },
  earningsDetail: { id: 'operator.home.waiting.earnings.detail', defaultMessage: 'Pending earnings of {count, plural, one {# referral partner} other {# referral partners}}.' },
  mailTitle: { id: 'operator.home.waiting.mail.title', defaultMessage: '{count, plural, one {# e-mail} other {# e-mails}} could not be delivered' },
  mailDetail: { id: 'operator.home.waiting.mail.detail', defaultMessage: 'Every retry failed. Check the mail server settings and the server log.' },
  openMail: { id: 'operator.home.waiting.action.open_mail', defaultMessage: 'Open mail' },
  waitingTitle: { id: 'operator.home.waiting.title', defaultMessage: 'Waiting for you' },
  waitingEmpty: {
    id: 'operator.home.waiting.empty',
    defaultMessage: 'Nothing waits for you. Partner applications, slow access requests, agreements and earnings to approve, and undelivered e-mail appear here.',
  },
  healthTitle: { id: 'operator.home.health.title', defaultMessage: 'Deliveries and background work' },
  healthDescription: { id: 'operator.home.health.description', defaultMessage: 'Webhooks of the whole platform; the last two figures are of the server instance that answered.' },
  ok: { id: 'operator.home.health.ok', defaultMessage: 'OK' },
  webhooksOk: { id: 'operator.home.health.webhooks.ok', defaultMessage: 'No webhook endpoint is failing or turned off.' },
  turnedOff: { id: 'operator.home.health.webhooks.turned_off', defaultMessage: 'Turned off' },
  failing: { id: 'operator.home.health.webhooks.failing', defaultMessage: 'Failing' },
  webhooksTrouble: {
    id: 'operator.home.health.webhooks.trouble',
    defaultMessage: 'Of {owner, select, platform {your platform endpoints} tenant {tenants’ endpoints} partner {partners’ endpoints} other {{owner}}}: {disabled} turned off, {failing} failing now.',
  },
  openWebhooks: { id: 'operator.home.health.webhooks.open', defaultMessage: 'Open webhooks' },
  upToDate: { id: 'operator.home.health.change_feed.up_to_date', defaultMessage: 'Up to date' },
  catchingUp: { id: 'operator.home.health.change_feed.catching_up', defaultMessage: 'Catching up' },
  feedOk: { id: 'operator.home.health.change_feed.ok', defaultMessage: 'Every change (a revocation, a suspension) is applied to access decisions.' },
  feedLag: { id: 'operator.home.health.change_feed.lag', defaultMessage: '{count, plural, one {# change} other {# changes}} not yet applied to access decisions.' },
  problem: { id: 'operator.home.health.audit.problem', defaultMessage: 'Problem' },
  written: { id: 'operator.home.health.audit.written', defaultMessage: 'Written' },
  writing: { id: 'operator.home.health.audit.writing', defaultMessage: 'Writing' },
  spoolBroken: { id: 'operator.home.health.audit.spool_broken', defaultMessage: 'The gateway cannot keep its access log on disk; see the server log.' },
  auditOk: { id: 'operator.home.health.audit.ok', defaultMessage: 'Every partner request through the gateway is in the audit log.' },
  auditPending: {
    id: 'operator.home.health.audit.pending',
    defaultMessage: '{count, plural, one {# partner request} other {# partner requests}} through the gateway still to be written to the audit log.',
  },
  sourcesFailed: { id: 'operator.home.health.sources.load_failed', defaultMessage: 'The data sources could not be loaded. Reload the page to try again.' },
  demoData: { id: 'operator.home.health.sources.demo', defaultMessage: 'Demo data' },
  linesHeld: { id: 'operator.home.health.sources.held', defaultMessage: 'Lines held' },
  syncing: { id: 'operator.home.health.sources.syncing', defaultMessage: 'Syncing' },
  sourcesNone: { id: 'operator.home.health.sources.none', defaultMessage: 'No provider system sends records yet: the views show the demo world’s records.' },
  sourcesHeld: { id: 'operator.home.health.sources.held_detail', defaultMessage: '{names}: {count, plural, one {# line} other {# lines}} held back until they can be applied.' },
  sourcesSending: {
    id: 'operator.home.health.sources.sending',
    defaultMessage: '{count, plural, one {# data source} other {# data sources}} sending, nothing held back{hasLast, select, yes {; the last batch came {last}} other {}}.',
  },
  openSources: { id: 'operator.home.health.sources.open', defaultMessage: 'Open data sources' },
});

interface Item {
  key: string;
  kind: string;
  title: string;
  detail: string;
  at?: string;
  to: string;
  action: string;
}

const money = (minor: number, currency: string) => formatMoney(minor, currency);

function waitingItems(intl: IntlShape, o: OperatorOverview): Item[] {
  const say = (message: Message, values?: Record<string, string | number>) => intl.formatMessage(message, values);
  const w = o.waiting;
  const items: Item[] = w.partner_applications.oldest.map((a) => ({
    key: a.id,
    kind: say(m.kindApplication),
    title: say(m.applicationTitle, { name: a.name }),
    detail: say(m.applicationDetail),
    at: a.applied_at,
    to: `/operator/partners/${a.id}`,
    action: say(m.review),
  }));
  const more = w.partner_applications.count - w.partner_applications.oldest.length;
  if (more > 0)
    items.push({ key: 'more-applications', kind: say(m.kindApplication), title: say(m.moreTitle, { count: more }), detail: say(m.moreDetail), to: '/operator/partners?status=applied', action: say(m.seeAll) });
  if (w.access_requests.older > 0)
    items.push({
      key: 'access-requests',
      kind: say(m.kindAccessRequest),
      title: say(m.accessTitle, { count: w.access_requests.older, days: w.access_requests.waiting_days }),
      detail: say(m.accessDetail, { total: w.access_requests.count }),
      to: '/operator/delegations',
      action: say(m.seeRequests),
    });
  if (w.agreements_to_approve > 0)
    items.push({ key: 'agreements', kind: say(m.kindProgram), title: say(m.agreementsTitle, { count: w.agreements_to_approve }), detail: say(m.agreementsDetail), to: '/operator/program', action: say(m.approve) });
  for (const e of w.earnings_to_approve)
    items.push({
      key: `earnings-${e.currency}`,
      kind: say(m.kindProgram),
      title: say(m.earningsTitle, { amount: money(e.amount_minor, e.currency) }),
      detail: say(m.earningsDetail, { count: e.partners }),
      to: '/operator/program',
      action: say(m.review),
    });
  if (w.mail_failed > 0)
    items.push({ key: 'mail', kind: say(m.kindMail), title: say(m.mailTitle, { count: w.mail_failed }), detail: say(m.mailDetail), to: '/operator/mail', action: say(m.openMail) });
  return items;
}

export function OperatorWaiting({ o, loading }: { o: OperatorOverview | undefined; loading: boolean }) {
  const intl = useIntl();
  const items = o ? waitingItems(intl, o) : [];
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="op-waiting-title" data-testid="waiting-for-you">
      <Group gap="xs" mb="xs">
        <Title order={2} size="h4" id="op-waiting-title">
          <FormattedMessage {...m.waitingTitle} />
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
          <FormattedMessage {...m.waitingEmpty} />
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

export function OperatorHealth({ o, loading }: { o: OperatorOverview | undefined; loading: boolean }) {
  const intl = useIntl();
  const h = o?.health;
  const troubled = (h?.webhooks ?? []).filter((w) => w.disabled + w.failing > 0);
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="health-title" data-testid="health">
      <Stack gap="xs">
        <div>
          <Title order={2} size="h4" id="health-title">
            <FormattedMessage {...m.healthTitle} />
          </Title>
          <Text size="sm" c="dimmed">
            <FormattedMessage {...m.healthDescription} />
          </Text>
        </div>
        {loading || !h ? (
          <Skeleton h={96} />
        ) : (
          <Stack gap={6}>
            {troubled.length === 0 ? (
              <Text size="sm">
                <Badge color="green" variant="light" mr={6}>
                  <FormattedMessage {...m.ok} />
                </Badge>
                <FormattedMessage {...m.webhooksOk} />
              </Text>
            ) : (
              troubled.map((w) => (
                <Group key={w.owner_type} gap={6} wrap="wrap">
                  <Badge color={w.disabled > 0 ? 'red' : 'orange'} variant="light">
                    {intl.formatMessage(w.disabled > 0 ? m.turnedOff : m.failing)}
                  </Badge>
                  <Text size="sm">
                    <FormattedMessage {...m.webhooksTrouble} values={{ owner: w.owner_type, disabled: w.disabled, failing: w.failing }} />
                  </Text>
                  {w.owner_type === 'platform' && (
                    <Button component={Link} to="/operator/webhooks" size="compact-xs" variant="subtle">
                      <FormattedMessage {...m.openWebhooks} />
                    </Button>
                  )}
                </Group>
              ))
            )}
            {h.change_feed_lag !== null && (
              <Text size="sm">
                <Badge color={h.change_feed_lag === 0 ? 'green' : 'orange'} variant="light" mr={6}>
                  {intl.formatMessage(h.change_feed_lag === 0 ? m.upToDate : m.catchingUp)}
                </Badge>
                {h.change_feed_lag === 0 ? intl.formatMessage(m.feedOk) : intl.formatMessage(m.feedLag, { count: h.change_feed_lag })}
              </Text>
            )}
            <DataSourcesHealth />
            <Text size="sm">
              <Badge color={h.audit_backlog.spool_broken ? 'red' : h.audit_backlog.pending === 0 ? 'green' : 'blue'} variant="light" mr={6}>
                {intl.formatMessage(h.audit_backlog.spool_broken ? m.problem : h.audit_backlog.pending === 0 ? m.written : m.writing)}
              </Badge>
              {h.audit_backlog.spool_broken
                ? intl.formatMessage(m.spoolBroken)
                : h.audit_backlog.pending === 0
                  ? intl.formatMessage(m.auditOk)
                  : intl.formatMessage(m.auditPending, { count: h.audit_backlog.pending })}
            </Text>
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}

/** The provider systems that send records: lines held back wait for the operator; none means the demo's records. */
function DataSourcesHealth() {
  const intl = useIntl();
  const q = useApiQuery(dataSourceKeys.all, dataSourcesApi.list);
  if (q.error) {
    return (
      <Text size="sm" c="red.8" role="status">
        <FormattedMessage {...m.sourcesFailed} />
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
        {intl.formatMessage(sources.length === 0 ? m.demoData : held.length > 0 ? m.linesHeld : m.syncing)}
      </Badge>
      {sources.length === 0
        ? intl.formatMessage(m.sourcesNone)
        : held.length > 0
          ? intl.formatMessage(m.sourcesHeld, { names: held.map((x) => x.name).join(', '), count: held.reduce((n, x) => n + x.held_lines, 0) })
          : intl.formatMessage(m.sourcesSending, { count: sources.length, hasLast: last ? 'yes' : 'no', last: last ? timeAgo(last) : '' })}{' '}
      <Anchor component={Link} to="/operator/data-sources" size="sm" underline="always">
        <FormattedMessage {...m.openSources} />
      </Anchor>
    </Text>
  );
}
