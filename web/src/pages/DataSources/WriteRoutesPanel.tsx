/**
 * Operator → Data sources → "Where new orders and tickets go": per kind, the reference service (written
 * here at once) or the provider's own system through one of the gateway routes, with the source its
 * records come back through and how long the portal waits before saying to check with the provider.
 */
import { useState } from 'react';
import { Alert, Button, Group, Modal, NumberInput, Paper, Radio, Select, Stack, Text, Title } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { writeRoutesApi, type WritableKind, type WriteChoiceDto, type WriteRoutesDto } from '../../api/writeRoutes.ts';
import { writeRouteKeys } from '../../api/keys/writeRoutes.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { FormActions } from '../../components/FormActions.tsx';
import { useApiMutation, useApiQuery } from '../../query/query.ts';

const KIND_WORDS: Record<WritableKind, { title: string; what: string }> = {
  orders: { title: 'Orders', what: 'New orders and cancellations' },
  tickets: { title: 'Support tickets', what: 'New tickets, replies and answers' },
};

function choiceWords(c: WriteChoiceDto): string {
  if (c.goes_to === 'reference_service' || !c.source) return 'Written here at once (the built-in reference service).';
  return `Sent to your system through the gateway route “${c.route_name}”; they come back through ${c.source.name}. Until then they show as waiting; after ${c.confirm_within_minutes} minutes without them, as not confirmed.`;
}

export function WriteRoutesPanel() {
  const q = useApiQuery(writeRouteKeys.all, writeRoutesApi.get);
  const [editing, setEditing] = useState<WritableKind | null>(null);
  return (
    <Paper withBorder p="md" radius="md" mt="xl" data-testid="write-routes">
      <Stack gap="sm">
        <div>
          <Title order={2} size="h4">
            Where new orders and tickets go
          </Title>
          <Text size="sm" c="dimmed">
            Orders and tickets placed in the portal or through the API can be sent to your own system, which stays the record. What it takes shows as waiting until its data source sends it back.
          </Text>
        </div>
        <ErrorAlert error={q.error} />
        {q.loading && <Text size="sm">Loading…</Text>}
        {q.data?.kinds.map((c) => (
          <Group key={c.kind} justify="space-between" align="flex-start" wrap="wrap" gap="xs" data-testid={`write-route-${c.kind}`}>
            <Stack gap={2} style={{ flex: '1 1 260px', minWidth: 0 }}>
              <Text fw={500} size="sm">
                {KIND_WORDS[c.kind].title}
              </Text>
              <Text size="sm">{choiceWords(c)}</Text>
              {c.source && !c.source.active && (
                <Text size="sm" c="red.8">
                  {c.source.name} is revoked: nothing it was sent can come back until it has a token again.
                </Text>
              )}
            </Stack>
            <Button size="xs" variant="light" onClick={() => setEditing(c.kind)} aria-label={`Change where ${KIND_WORDS[c.kind].title.toLowerCase()} go`}>
              Change
            </Button>
          </Group>
        ))}
      </Stack>
      {editing && q.data && <ChangeModal kind={editing} data={q.data} onClose={() => setEditing(null)} />}
    </Paper>
  );
}

function ChangeModal({ kind, data, onClose }: { kind: WritableKind; data: WriteRoutesDto; onClose(): void }) {
  const current = data.kinds.find((k) => k.kind === kind)!;
  const [to, setTo] = useState<string>(current.goes_to);
  const [route, setRoute] = useState<string | null>(current.route_name);
  const [source, setSource] = useState<string | null>(current.source?.id ?? null);
  const [minutes, setMinutes] = useState<number | string>(current.confirm_within_minutes ?? 60);
  const save = useApiMutation(
    () => writeRoutesApi.set(kind, to === 'provider' ? { goes_to: 'provider', route_name: route ?? '', source_id: source ?? '', confirm_within_minutes: Number(minutes) || 60 } : { goes_to: 'reference_service' }),
    { success: `Saved: ${KIND_WORDS[kind].what.toLowerCase()} follow the new setting from now on.`, onDone: onClose, invalidates: [writeRouteKeys.all] },
  );
  const routes = data.routes.map((r) => ({ value: r.name, label: r.missing[kind].length ? `${r.name} — has no rule for ${r.missing[kind].join(' and ')}` : r.name, disabled: r.missing[kind].length > 0 }));
  const sources = data.sources.filter((s) => s.kinds.includes(kind)).map((s) => ({ value: s.id, label: s.name }));
  const invalid = to === 'provider' && (!route || !source);
  return (
    <Modal opened onClose={onClose} title={`Where ${KIND_WORDS[kind].title.toLowerCase()} go`} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!invalid) void save.run();
        }}
      >
        <Stack>
          <Radio.Group label={KIND_WORDS[kind].what} value={to} onChange={setTo}>
            <Stack gap={6} mt={6}>
              <Radio value="reference_service" label="Here at once (the built-in reference service)" />
              <Radio value="provider" label="To your own system, through a gateway route" />
            </Stack>
          </Radio.Group>
          {to === 'provider' && (
            <>
              {routes.length === 0 ? (
                <Alert color="gray" icon={<IconInfoCircle size={16} />}>
                  No gateway route is configured yet. Add one for your system in the GATEWAY_ROUTES setting (the operators’ guide says how), with rules for the calls these writes make.
                </Alert>
              ) : (
                <Select label="Gateway route of your system" description="Only routes with a rule for each call these writes make can be picked." data={routes} value={route} onChange={setRoute} allowDeselect={false} data-testid="write-route-select" />
              )}
              {sources.length === 0 ? (
                <Alert color="gray" icon={<IconInfoCircle size={16} />}>
                  No active data source sends {KIND_WORDS[kind].title.toLowerCase()} yet. Add one first: the records come back through it.
                </Alert>
              ) : (
                <Select label="Data source the records come back through" data={sources} value={source} onChange={setSource} allowDeselect={false} data-testid="write-source-select" />
              )}
              <NumberInput label="Minutes before “not confirmed”" description="After this long without the record back, the portal tells people to check with your system." min={1} max={10080} value={minutes} onChange={setMinutes} />
            </>
          )}
          <ErrorAlert error={save.error} />
          <FormActions onCancel={onClose} busy={save.busy} disabled={invalid} />
        </Stack>
      </form>
    </Modal>
  );
}
