/** One audit event in full, in a side drawer: its parties named, its details and its hash. */
import { Badge, Button, Code, Drawer, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import type { AuditEventDto } from '../api/index.ts';
import { StatusBadge } from './StatusBadge.tsx';
import { formatDateTime } from './format.ts';
import { actionLabel } from './auditActions.ts';
import { ACTOR_KINDS, kindLabel, who, type FilterKey, type Names } from './auditLogLabels.ts';

function Field({ label, value, mono }: { label: string; value: string | number | null | undefined; mono?: boolean }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" ff={mono ? 'monospace' : undefined} style={{ wordBreak: 'break-all' }}>
        {value === null || value === undefined || value === '' ? '—' : value}
      </Text>
    </div>
  );
}

export function AuditEventDrawer({
  event,
  names,
  onClose,
  onFilter,
}: {
  event: AuditEventDto | null;
  names?: Names;
  onClose(): void;
  /** show only the events with this value (replaces the current filters) */
  onFilter?(key: FilterKey, value: string): void;
}) {
  const name = (id: string | null) => {
    const w = names ? who(id, names) : null;
    if (!id) return null;
    return w ? `${w.main}${w.sub ? ` <${w.sub}>` : ''} · ${id}` : id;
  };
  return (
    <Drawer opened={!!event} onClose={onClose} position="right" size="lg" title={event ? actionLabel(event.action) : null}>
      {event && (
        <Stack gap="sm" data-testid="audit-event-detail">
          <Group gap="xs">
            <StatusBadge status={event.outcome} />
            <Badge variant="outline" color="gray">
              #{event.seq}
            </Badge>
          </Group>
          <SimpleGrid cols={2} spacing="sm">
            <Field label="When" value={formatDateTime(event.occurred_at)} />
            <Field label="Event id" value={event.id} mono />
            <Field label="Actor type" value={ACTOR_KINDS[event.actor.type] ?? event.actor.type} />
            <Field label="Actor user" value={name(event.actor.user_id)} mono />
            <Field label="Actor partner" value={name(event.actor.partner_id)} mono />
            <Field label="Actor client / agency" value={event.actor.client_id ?? event.actor.agency_id} mono />
            <Field label="Tenant" value={name(event.tenant_id)} mono />
            <Field label="Partner" value={name(event.partner_id)} mono />
            <Field label="Billing account" value={event.ban} mono />
            <Field label="Target" value={event.target.type ? [kindLabel(event.target.type), event.target.name ?? name(event.target.id)].filter(Boolean).join(' · ') : null} mono />
            <Field label="Request id" value={event.request_id} mono />
            <Field label="IP address" value={event.ip} mono />
          </SimpleGrid>
          <Field label="User agent" value={event.user_agent} />
          {onFilter && (event.actor.user_id || event.target.id) && (
            <Group gap="xs">
              {event.actor.user_id && (
                <Button size="xs" variant="light" onClick={() => onFilter('actor_user_id', event.actor.user_id!)}>
                  Everything this actor did
                </Button>
              )}
              {event.target.id && (
                <Button size="xs" variant="light" onClick={() => onFilter('target_id', event.target.id!)}>
                  Everything about this target
                </Button>
              )}
            </Group>
          )}
          <div>
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              Details
            </Text>
            <Code block>{JSON.stringify(event.details, null, 2)}</Code>
          </div>
          <div>
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              Hash
            </Text>
            <Code block data-testid="audit-hash" style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
              {event.hash}
            </Code>
            <Text size="xs" c="dimmed" mt={4}>
              Each event's hash covers its content and the previous event's hash, so editing or deleting any past event breaks the chain. <Code>partnergate audit verify</Code>{' '}
              checks it.
            </Text>
          </div>
        </Stack>
      )}
    </Drawer>
  );
}
