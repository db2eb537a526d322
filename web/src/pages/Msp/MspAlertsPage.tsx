/**
 * The MSP's alerts inbox: missed SLAs, overdue invoices and receivables over a customer's limit,
 * across every managed customer, to acknowledge (someone is on it) and resolve. The nav badge
 * counts the alerts nobody has acknowledged yet.
 */
import { useMemo, useState } from 'react';
import { Badge, Button, Group, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconCheck, IconEye, IconSearch } from '@tabler/icons-react';
import { mspApi, type Alert, type ComputedAlert } from '../../api/msp.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { formatDateTime } from '../../components/format.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useAbilities } from '../../session/abilities.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { ALERT_KIND_WORDS, formatPeriod, labelOptions } from './shared.tsx';
import { mspKeys } from '../../api/keys/msp.ts';
import { notificationKeys } from '../../api/keys/notifications.ts';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages, type Message } from '../../i18n/define.ts';

const m = defineMessages({
  critical: { id: 'msp.alerts.severity.critical', defaultMessage: 'Critical' },
  warning: { id: 'msp.alerts.severity.warning', defaultMessage: 'Warning' },
  statusOpen: { id: 'msp.alerts.status.open', defaultMessage: 'New' },
  statusAcknowledged: { id: 'msp.alerts.status.acknowledged', defaultMessage: 'Acknowledged' },
  statusResolved: { id: 'msp.alerts.status.resolved', defaultMessage: 'Resolved' },
  resolved: { id: 'msp.alerts.resolved', defaultMessage: 'Alert resolved.' },
  acknowledged: { id: 'msp.alerts.acknowledged', defaultMessage: 'Alert acknowledged.' },
  title: { id: 'msp.alerts.title', defaultMessage: 'Alerts' },
  description: {
    id: 'msp.alerts.description',
    defaultMessage:
      'Missed service levels, overdue invoices and customers owing more than their limit. Acknowledge an alert when someone is on it; it resolves by itself when the problem clears, or you can resolve it.',
  },
  needsAttention: { id: 'msp.alerts.view.needs_attention', defaultMessage: 'Needs attention' },
  viewResolved: { id: 'msp.alerts.view.resolved', defaultMessage: 'Resolved' },
  searchPlaceholder: { id: 'msp.alerts.search.placeholder', defaultMessage: 'Customer or message' },
  search: { id: 'msp.alerts.search', defaultMessage: 'Search alerts' },
  everyKind: { id: 'msp.alerts.kind.every', defaultMessage: 'Every kind' },
  kind: { id: 'msp.alerts.kind', defaultMessage: 'Kind of alert' },
  emptyResolved: { id: 'msp.alerts.empty.resolved', defaultMessage: 'No resolved alerts yet.' },
  empty: { id: 'msp.alerts.empty', defaultMessage: 'No alerts. Every customer is within its service levels and payment terms.' },
  alert: { id: 'msp.alerts.column.alert', defaultMessage: 'Alert' },
  customer: { id: 'msp.alerts.column.customer', defaultMessage: 'Customer' },
  when: { id: 'msp.alerts.column.when', defaultMessage: 'When' },
  status: { id: 'msp.alerts.column.status', defaultMessage: 'Status' },
  by: { id: 'msp.alerts.acknowledged_by', defaultMessage: 'by {name}' },
  actions: { id: 'msp.alerts.column.actions', defaultMessage: 'Actions' },
  acknowledge: { id: 'msp.alerts.acknowledge', defaultMessage: 'Acknowledge' },
  resolve: { id: 'msp.alerts.resolve', defaultMessage: 'Resolve' },
});

/** A row: an alert of the inbox, or (when the server keeps none) one computed for today, without id or status. */
type AlertRow = Alert | ComputedAlert;
const kept = (a: AlertRow): a is Alert => 'id' in a;

/** The inbox when the server keeps one, else today's computed SLA and billing alerts (read-only). */
async function loadAlerts(status: string): Promise<{ alerts: AlertRow[]; inbox: boolean; open: number }> {
  try {
    const r = await mspApi.inbox({ status, limit: 200 });
    return { alerts: r.data, inbox: true, open: r.counts.open };
  } catch {
    const none = { data: [] as ComputedAlert[] };
    const [a, b] = await Promise.all([mspApi.slaAlerts().catch(() => none), mspApi.billingAlerts().catch(() => none)]);
    const alerts = [...a.data, ...b.data];
    return { alerts, inbox: false, open: alerts.length };
  }
}

export function useOpenAlertCount(): number {
  const q = useApiQuery(mspKeys.alerts('open,acknowledged'), () => loadAlerts('open,acknowledged'), { staleTime: 60_000 });
  return q.data?.open ?? 0;
}

/** The nav's badge: alerts waiting for someone. */
export function AlertsBadge() {
  const n = useOpenAlertCount();
  return n > 0 ? (
    <Badge size="sm" color="orange" circle={n < 10} data-testid="alerts-badge">
      {n}
    </Badge>
  ) : null;
}

const SEVERITY: Record<string, { label: Message; color: string }> = { critical: { label: m.critical, color: 'red' }, warning: { label: m.warning, color: 'yellow' } };
const STATUS: Record<string, { label: Message; color: string }> = {
  open: { label: m.statusOpen, color: 'orange' },
  acknowledged: { label: m.statusAcknowledged, color: 'blue' },
  resolved: { label: m.statusResolved, color: 'teal' },
};

export function MspAlertsPage() {
  const intl = useIntl();
  const [view, setView] = useState('open,acknowledged');
  const [q, setQ] = useState('');
  const [kind, setKind] = useState<string | null>(null);
  const list = useApiQuery(mspKeys.alerts(view), () => loadAlerts(view));
  // acknowledging and resolving only where the person's role includes it (an auditor reads the inbox)
  const mayManage = useAbilities().mayUse('manageAlerts');
  const act = useApiMutation((a: Alert, verb: 'acknowledge' | 'resolve') => (verb === 'acknowledge' ? mspApi.acknowledge(a.id) : mspApi.resolve(a.id)), {
    success: (a) => intl.formatMessage(a.status === 'resolved' ? m.resolved : m.acknowledged),
    notifyError: true,
    // the alert's notices are settled with it: the bell asks again now, not at its next 30-second look
    invalidates: [mspKeys.allAlerts, notificationKeys.all],
  });
  const inbox = list.data?.inbox ?? false;
  const rows = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return (list.data?.alerts ?? []).filter((a) => (!kind || a.kind === kind) && (!needle || `${a.tenant_name} ${a.message}`.toLowerCase().includes(needle)));
  }, [list.data, q, kind]);

  return (
    <>
      <PageHeader
        title={intl.formatMessage(m.title)}
        description={intl.formatMessage(m.description)}
      />
      <Stack>
        <Group align="flex-end" wrap="wrap">
          {inbox && (
            <SegmentedControl
              data={[
                { value: 'open,acknowledged', label: intl.formatMessage(m.needsAttention) },
                { value: 'resolved', label: intl.formatMessage(m.viewResolved) },
              ]}
              value={view}
              onChange={setView}
            />
          )}
          <TextInput placeholder={intl.formatMessage(m.searchPlaceholder)} leftSection={<IconSearch size={14} />} value={q} onChange={(e) => setQ(e.currentTarget.value)} w={{ base: '100%', sm: 240 }} aria-label={intl.formatMessage(m.search)} />
          <Select placeholder={intl.formatMessage(m.everyKind)} clearable data={labelOptions(intl, ALERT_KIND_WORDS)} value={kind} onChange={setKind} w={{ base: '100%', sm: 220 }} aria-label={intl.formatMessage(m.kind)} />
        </Group>
        <DataTable
          error={list.error}
          testId="msp-alerts"
          records={rows}
          loading={list.loading}
          rowKey={(a) => (kept(a) ? a.id : `${a.kind}-${a.tenant_id}-${a.subject_id}-${a.period}`)}
          rowProps={(a) => ({ 'data-kind': a.kind, 'data-status': kept(a) ? a.status : undefined })}
          empty={intl.formatMessage(view === 'resolved' ? m.emptyResolved : m.empty)}
          columns={[
            {
              key: 'what',
              title: intl.formatMessage(m.alert),
              mobile: 'title',
              render: (a) => (
                <div>
                  <Group gap={6}>
                    <Badge color={SEVERITY[a.severity]?.color ?? 'gray'} variant="light">
                      {SEVERITY[a.severity] ? intl.formatMessage(SEVERITY[a.severity].label) : a.severity}
                    </Badge>
                    <Text fz="inherit" fw={500}>
                      {ALERT_KIND_WORDS[a.kind] ? intl.formatMessage(ALERT_KIND_WORDS[a.kind]) : a.kind}
                    </Text>
                  </Group>
                  <Text size="sm" c="dimmed" mt={2}>
                    {a.message}
                  </Text>
                </div>
              ),
            },
            { key: 'customer', title: intl.formatMessage(m.customer), sortValue: (a) => a.tenant_name, render: (a) => a.tenant_name },
            { key: 'when', title: intl.formatMessage(m.when), sortValue: (a) => (kept(a) ? a.opened_at : a.period), render: (a) => (kept(a) ? formatDateTime(a.opened_at) : a.period ? formatPeriod(a.period) : '—') },
            ...(inbox
              ? [
                  {
                    key: 'status',
                    title: intl.formatMessage(m.status),
                    width: 140,
                    render: (a: AlertRow) => kept(a) && (
                      <div>
                        <Badge variant="light" color={STATUS[a.status]?.color}>
                          {STATUS[a.status] ? intl.formatMessage(STATUS[a.status].label) : a.status}
                        </Badge>
                        {a.acknowledged_by && a.status === 'acknowledged' && (
                          <Text size="xs" c="dimmed">
                            {intl.formatMessage(m.by, { name: a.acknowledged_by.name })}
                          </Text>
                        )}
                      </div>
                    ),
                  },
                  ...(mayManage ? [{
                    key: 'actions',
                    title: '',
                    label: intl.formatMessage(m.actions),
                    mobile: 'footer' as const,
                    render: (a: AlertRow) => kept(a) && (
                      <Group gap="xs" justify="flex-end" wrap="wrap">
                        {a.status === 'open' && (
                          <Button size="xs" variant="default" leftSection={<IconEye size={14} />} onClick={() => void act.run(a, 'acknowledge')}>
                            <FormattedMessage {...m.acknowledge} />
                          </Button>
                        )}
                        {a.status !== 'resolved' && (
                          <Button size="xs" variant="light" color="teal" leftSection={<IconCheck size={14} />} onClick={() => void act.run(a, 'resolve')}>
                            <FormattedMessage {...m.resolve} />
                          </Button>
                        )}
                      </Group>
                    ),
                  }] : []),
                ]
              : []),
          ]}
        />
      </Stack>
    </>
  );
}
