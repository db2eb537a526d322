/** Downloading the audit events of a time range with their hash-chain proof, and how long events are kept. */
import { useState } from 'react';
import { Button, Card, Group, NumberInput, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { auditStreamsApi, type AuditExportPage, type AuditOwner } from '../../api/auditStreams.ts';
import { auditStreamKeys } from '../../api/keys/auditStreams.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatDateTime, formatNumber } from '../../components/format.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';

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
    setResult(`${formatNumber(events.length)} event${events.length === 1 ? '' : 's'} downloaded${cursor ? ' (the first 50,000: choose a shorter range for the rest)' : ''}.`);
  }, {});
  return (
    <Card withBorder radius="md" p="md">
      <Stack gap="sm">
        <Title order={3} size="h4">
          Download the audit log
        </Title>
        <Text size="sm" c="dimmed">
          A JSON file of the events between two dates, each with its hash and the hash of the event before it, so anyone can check that none is missing or changed (the guide for integrators shows how).
        </Text>
        <Group grow wrap="wrap" gap="xs">
          <TextInput type="date" label="From" value={from} onChange={(e) => setFrom(e.currentTarget.value)} max={to} miw={140} />
          <TextInput type="date" label="To (inclusive)" value={to} onChange={(e) => setTo(e.currentTarget.value)} min={from} miw={140} />
        </Group>
        <ErrorAlert error={download.error} />
        {result && (
          <Text size="sm" data-testid="export-result">
            {result}
          </Text>
        )}
        <Group justify="flex-end">
          <Button leftSection={<IconDownload size={16} />} onClick={() => void download.run()} loading={download.busy} disabled={!from || !to || from > to} data-testid="download-export">
            Download
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

export function RetentionCard({ owner }: { owner: AuditOwner }) {
  const key = auditStreamKeys.retention(owner.kind, 'id' in owner ? owner.id : '');
  const r = useApiQuery(key, () => auditStreamsApi.retention(owner));
  const [days, setDays] = useState<number | null | undefined>(undefined);
  const current = r.data?.days ?? null;
  const shown = days === undefined ? current : days;
  const save = useApiMutation((d: number | null) => auditStreamsApi.setRetention(owner, d), {
    notifyError: true,
    success: (x) => (x.days ? `Events are now kept ${x.days} days.` : 'Events are now kept for ever.'),
    onDone: () => {
      setDays(undefined);
      r.reload();
    },
  });
  return (
    <Card withBorder radius="md" p="md">
      <Stack gap="sm">
        <Title order={3} size="h4">
          How long events are kept
        </Title>
        <ErrorAlert error={r.error} />
        <Switch
          label="Delete events after a number of days"
          checked={shown !== null}
          onChange={(e) => setDays(e.currentTarget.checked ? (current ?? 365) : null)}
          disabled={r.loading}
        />
        {shown !== null && (
          <NumberInput label="Days to keep each event" min={1} max={3650} value={shown} onChange={(v) => setDays(typeof v === 'number' ? v : 365)} w={200} />
        )}
        <Text size="sm" c="dimmed">
          An event is deleted once every organization it concerns has let it expire (an event about a partner’s access to your data stays while the partner keeps it). The chain stays checkable: what is deleted leaves its hash.
          {r.data?.deleted_count ? ` ${formatNumber(r.data.deleted_count)} events deleted so far${r.data.swept_at ? `, last on ${formatDateTime(r.data.swept_at)}` : ''}.` : ''}
        </Text>
        <Group justify="flex-end">
          <Button onClick={() => void save.run(shown ?? null)} loading={save.busy} disabled={days === undefined || shown === current} data-testid="save-retention">
            Save
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
