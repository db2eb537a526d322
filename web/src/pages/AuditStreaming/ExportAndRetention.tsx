/** Downloading the audit events of a time range with their hash-chain proof, and how long events are kept. */
import { useState } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { Button, Card, Group, NumberInput, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { auditStreamsApi, type AuditExportPage, type AuditOwner } from '../../api/auditStreams.ts';
import { auditStreamKeys } from '../../api/keys/auditStreams.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatDateTime } from '../../components/format.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  downloaded: {
    id: 'audit_streaming.export.downloaded',
    defaultMessage:
      '{truncated, select, yes {{count, plural, one {# event downloaded (the first 50,000: choose a shorter range for the rest).} other {# events downloaded (the first 50,000: choose a shorter range for the rest).}}} other {{count, plural, one {# event downloaded.} other {# events downloaded.}}}}',
  },
  title: { id: 'audit_streaming.export.title', defaultMessage: 'Download the audit log' },
  intro: {
    id: 'audit_streaming.export.intro',
    defaultMessage:
      'A JSON file of the events between two dates, each with its hash and the hash of the event before it, so anyone can check that none is missing or changed (the guide for integrators shows how).',
  },
  from: { id: 'audit_streaming.export.from', defaultMessage: 'From' },
  to: { id: 'audit_streaming.export.to', defaultMessage: 'To (inclusive)' },
  download: { id: 'audit_streaming.export.download', defaultMessage: 'Download' },
  keptDays: { id: 'audit_streaming.retention.kept_days', defaultMessage: 'Events are now kept {days} days.' },
  keptForever: { id: 'audit_streaming.retention.kept_forever', defaultMessage: 'Events are now kept for ever.' },
  retentionTitle: { id: 'audit_streaming.retention.title', defaultMessage: 'How long events are kept' },
  deleteAfter: { id: 'audit_streaming.retention.delete_after', defaultMessage: 'Delete events after a number of days' },
  daysToKeep: { id: 'audit_streaming.retention.days_to_keep', defaultMessage: 'Days to keep each event' },
  retentionHelp: {
    id: 'audit_streaming.retention.help',
    defaultMessage:
      'An event is deleted once every organization it concerns has let it expire (an event about a partner’s access to your data stays while the partner keeps it). The chain stays checkable: what is deleted leaves its hash.',
  },
  deletedSoFar: {
    id: 'audit_streaming.retention.deleted_so_far',
    defaultMessage: '{swept, select, yes {{count, number} events deleted so far, last on {date}.} other {{count, number} events deleted so far.}}',
  },
  save: { id: 'audit_streaming.retention.save', defaultMessage: 'Save' },
});

/** At most this many pages (of 1,000 events) in one download; a longer range is split by the person. */
const MAX_PAGES = 50;

const day = (d: Date) => d.toISOString().slice(0, 10);

function save(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

export function ExportCard({ owner }: { owner: AuditOwner }) {
  const intl = useIntl();
  const today = new Date();
  const [from, setFrom] = useState(day(new Date(today.getTime() - 7 * 86_400_000)));
  const [to, setTo] = useState(day(today));
  const [result, setResult] = useState<string | null>(null);
  const download = useApiMutation(async () => {
    const since = new Date(`${from}T00:00:00Z`).toISOString();
    const until = new Date(new Date(`${to}T00:00:00Z`).getTime() + 86_400_000).toISOString();
    const pages: AuditExportPage[] = [];
    let cursor: string | undefined;
    do {
      const p = await auditStreamsApi.exportPage(owner, { since, until, limit: 1000, ...(cursor ? { cursor } : {}) });
      pages.push(p);
      cursor = p.next_cursor ?? undefined;
    } while (cursor && pages.length < MAX_PAGES);
    const events = pages.flatMap((p) => p.events);
    save(`audit-${from}-to-${to}.json`, JSON.stringify({ organization: pages[0]?.organization, since, until, prev_hash: pages[0]?.prev_hash, last_hash: pages.at(-1)?.last_hash, truncated: !!cursor, events }, null, 1));
    setResult(intl.formatMessage(m.downloaded, { count: events.length, truncated: cursor ? 'yes' : 'no' }));
  }, {});
  return (
    <Card withBorder radius="md" p="md">
      <Stack gap="sm">
        <Title order={2} size="h4">
          <FormattedMessage {...m.title} />
        </Title>
        <Text size="sm" c="dimmed">
          <FormattedMessage {...m.intro} />
        </Text>
        <Group grow wrap="wrap" gap="xs">
          <TextInput type="date" label={intl.formatMessage(m.from)} value={from} onChange={(e) => setFrom(e.currentTarget.value)} max={to} miw={140} />
          <TextInput type="date" label={intl.formatMessage(m.to)} value={to} onChange={(e) => setTo(e.currentTarget.value)} min={from} miw={140} />
        </Group>
        <ErrorAlert error={download.error} />
        {result && (
          <Text size="sm" data-testid="export-result">
            {result}
          </Text>
        )}
        <Group justify="flex-end">
          <Button leftSection={<IconDownload size={16} />} onClick={() => void download.run()} loading={download.busy} disabled={!from || !to || from > to} data-testid="download-export">
            <FormattedMessage {...m.download} />
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

export function RetentionCard({ owner }: { owner: AuditOwner }) {
  const intl = useIntl();
  const key = auditStreamKeys.retention(owner.kind, 'id' in owner ? owner.id : '');
  const r = useApiQuery(key, () => auditStreamsApi.retention(owner));
  const [days, setDays] = useState<number | null | undefined>(undefined);
  const current = r.data?.days ?? null;
  const shown = days === undefined ? current : days;
  const save = useApiMutation((d: number | null) => auditStreamsApi.setRetention(owner, d), {
    notifyError: true,
    success: (x) => (x.days ? intl.formatMessage(m.keptDays, { days: x.days }) : intl.formatMessage(m.keptForever)),
    onDone: () => {
      setDays(undefined);
      r.reload();
    },
  });
  return (
    <Card withBorder radius="md" p="md">
      <Stack gap="sm">
        <Title order={2} size="h4">
          <FormattedMessage {...m.retentionTitle} />
        </Title>
        <ErrorAlert error={r.error} />
        <Switch
          label={intl.formatMessage(m.deleteAfter)}
          checked={shown !== null}
          onChange={(e) => setDays(e.currentTarget.checked ? (current ?? 365) : null)}
          disabled={r.loading}
        />
        {shown !== null && (
          <NumberInput label={intl.formatMessage(m.daysToKeep)} min={1} max={3650} value={shown} onChange={(v) => setDays(typeof v === 'number' ? v : 365)} w={200} />
        )}
        <Text size="sm" c="dimmed">
          <FormattedMessage {...m.retentionHelp} />
          {r.data?.deleted_count
            ? ` ${intl.formatMessage(m.deletedSoFar, { count: r.data.deleted_count, swept: r.data.swept_at ? 'yes' : 'no', date: r.data.swept_at ? formatDateTime(r.data.swept_at) : '' })}`
            : ''}
        </Text>
        <Group justify="flex-end">
          <Button onClick={() => void save.run(shown ?? null)} loading={save.busy} disabled={days === undefined || shown === current} data-testid="save-retention">
            <FormattedMessage {...m.save} />
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
