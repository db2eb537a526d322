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
import { ALERT_KIND, formatPeriod } from './shared.tsx';
import { mspKeys } from '../../api/keys/msp.ts';
import { notificationKeys } from '../../api/keys/notifications.ts';

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

const SEVERITY: Record<string, { label: string; color: string }> = { critical: { label: 'Critical', color: 'red' }, warning: { label: 'Warning', color: 'yellow' } };
const STATUS: Record<string, { label: string; color: string }> = { open: { label: 'New', color: 'orange' }, acknowledged: { label: 'Acknowledged', color: 'blue' }, resolved: { label: 'Resolved', color: 'teal' } };

export function MspAlertsPage() {
  const [view, setView] = useState('open,acknowledged');
  const [q, setQ] = useState('');
  const [kind, setKind] = useState<string | null>(null);
  const list = useApiQuery(mspKeys.alerts(view), () => loadAlerts(view));
  // acknowledging and resolving only where the person's role includes it (an auditor reads the inbox)
  const mayManage = useAbilities().mayUse('manageAlerts');
  const act = useApiMutation((a: Alert, verb: 'acknowledge' | 'resolve') => (verb === 'acknowledge' ? mspApi.acknowledge(a.id) : mspApi.resolve(a.id)), {
    success: (a) => (a.status === 'resolved' ? 'Alert resolved.' : 'Alert acknowledged.'),
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
        title="Alerts"
        description="Missed service levels, overdue invoices and customers owing more than their limit. Acknowledge an alert when someone is on it; it resolves by itself when the problem clears, or you can resolve it."
      />
      <Stack>
        <Group align="flex-end" wrap="wrap">
          {inbox && (
            <SegmentedControl
              data={[
                { value: 'open,acknowledged', label: 'Needs attention' },
                { value: 'resolved', label: 'Resolved' },
              ]}
              value={view}
              onChange={setView}
            />
          )}
          <TextInput placeholder="Customer or message" leftSection={<IconSearch size={14} />} value={q} onChange={(e) => setQ(e.currentTarget.value)} w={{ base: '100%', sm: 240 }} aria-label="Search alerts" />
          <Select placeholder="Every kind" clearable data={Object.entries(ALERT_KIND).map(([value, label]) => ({ value, label }))} value={kind} onChange={setKind} w={{ base: '100%', sm: 220 }} aria-label="Kind of alert" />
        </Group>
        <DataTable
          error={list.error}
          testId="msp-alerts"
          records={rows}
          loading={list.loading}
          rowKey={(a) => (kept(a) ? a.id : `${a.kind}-${a.tenant_id}-${a.subject_id}-${a.period}`)}
          rowProps={(a) => ({ 'data-kind': a.kind, 'data-status': kept(a) ? a.status : undefined })}
          empty={view === 'resolved' ? 'No resolved alerts yet.' : 'No alerts. Every customer is within its service levels and payment terms.'}
          columns={[
            {
              key: 'what',
              title: 'Alert',
              mobile: 'title',
              render: (a) => (
                <div>
                  <Group gap={6}>
                    <Badge color={SEVERITY[a.severity]?.color ?? 'gray'} variant="light">
                      {SEVERITY[a.severity]?.label ?? a.severity}
                    </Badge>
                    <Text fz="inherit" fw={500}>
                      {ALERT_KIND[a.kind] ?? a.kind}
                    </Text>
                  </Group>
                  <Text size="sm" c="dimmed" mt={2}>
                    {a.message}
                  </Text>
                </div>
              ),
            },
            { key: 'customer', title: 'Customer', sortValue: (a) => a.tenant_name, render: (a) => a.tenant_name },
            { key: 'when', title: 'When', sortValue: (a) => (kept(a) ? a.opened_at : a.period), render: (a) => (kept(a) ? formatDateTime(a.opened_at) : a.period ? formatPeriod(a.period) : '—') },
            ...(inbox
              ? [
                  {
                    key: 'status',
                    title: 'Status',
                    width: 140,
                    render: (a: AlertRow) => kept(a) && (
                      <div>
                        <Badge variant="light" color={STATUS[a.status]?.color}>
                          {STATUS[a.status]?.label}
                        </Badge>
                        {a.acknowledged_by && a.status === 'acknowledged' && (
                          <Text size="xs" c="dimmed">
                            by {a.acknowledged_by.name}
                          </Text>
                        )}
                      </div>
                    ),
                  },
                  ...(mayManage ? [{
                    key: 'actions',
                    title: '',
                    label: 'Actions',
                    mobile: 'footer' as const,
                    render: (a: AlertRow) => kept(a) && (
                      <Group gap="xs" justify="flex-end" wrap="wrap">
                        {a.status === 'open' && (
                          <Button size="xs" variant="default" leftSection={<IconEye size={14} />} onClick={() => void act.run(a, 'acknowledge')}>
                            Acknowledge
                          </Button>
                        )}
                        {a.status !== 'resolved' && (
                          <Button size="xs" variant="light" color="teal" leftSection={<IconCheck size={14} />} onClick={() => void act.run(a, 'resolve')}>
                            Resolve
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
