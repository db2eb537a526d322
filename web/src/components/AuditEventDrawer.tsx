/** One audit event in full, in a side drawer: its parties named, its details and its hash. */
import { Badge, Button, Code, Drawer, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import type { AuditEventDto } from '../api/index.ts';
import { StatusBadge } from './StatusBadge.tsx';
import { formatDateTime } from './format.ts';
import { actionLabel } from './auditActions.ts';
import { ACTOR_KINDS, kindLabel, who, type FilterKey, type Names } from './auditLogLabels.ts';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../i18n/define.ts';

const m = defineMessages({
  nameWithEmail: { id: 'components.audit_event.name_with_email', defaultMessage: '{name} <{email}> · {id}' },
  nameWithId: { id: 'components.audit_event.name_with_id', defaultMessage: '{name} · {id}' },
  when: { id: 'components.audit_event.when', defaultMessage: 'When' },
  eventId: { id: 'components.audit_event.event_id', defaultMessage: 'Event id' },
  actorType: { id: 'components.audit_event.actor_type', defaultMessage: 'Actor type' },
  actorUser: { id: 'components.audit_event.actor_user', defaultMessage: 'Actor user' },
  actorPartner: { id: 'components.audit_event.actor_partner', defaultMessage: 'Actor partner' },
  actorClient: { id: 'components.audit_event.actor_client', defaultMessage: 'Actor client / agency' },
  tenant: { id: 'components.audit_event.tenant', defaultMessage: 'Tenant' },
  partner: { id: 'components.audit_event.partner', defaultMessage: 'Partner' },
  billingAccount: { id: 'components.audit_event.billing_account', defaultMessage: 'Billing account' },
  target: { id: 'components.audit_event.target', defaultMessage: 'Target' },
  requestId: { id: 'components.audit_event.request_id', defaultMessage: 'Request id' },
  ip: { id: 'components.audit_event.ip', defaultMessage: 'IP address' },
  userAgent: { id: 'components.audit_event.user_agent', defaultMessage: 'User agent' },
  byActor: { id: 'components.audit_event.by_actor', defaultMessage: 'Everything this actor did' },
  aboutTarget: { id: 'components.audit_event.about_target', defaultMessage: 'Everything about this target' },
  details: { id: 'components.audit_event.details', defaultMessage: 'Details' },
  hash: { id: 'components.audit_event.hash', defaultMessage: 'Hash' },
});

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
  const intl = useIntl();
  const name = (id: string | null) => {
    const w = names ? who(id, names) : null;
    if (!id) return null;
    if (!w) return id;
    return w.sub ? intl.formatMessage(m.nameWithEmail, { name: w.main, email: w.sub, id }) : intl.formatMessage(m.nameWithId, { name: w.main, id });
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
            <Field label={intl.formatMessage(m.when)} value={formatDateTime(event.occurred_at)} />
            <Field label={intl.formatMessage(m.eventId)} value={event.id} mono />
            <Field label={intl.formatMessage(m.actorType)} value={ACTOR_KINDS[event.actor.type] ?? event.actor.type} />
            <Field label={intl.formatMessage(m.actorUser)} value={name(event.actor.user_id)} mono />
            <Field label={intl.formatMessage(m.actorPartner)} value={name(event.actor.partner_id)} mono />
            <Field label={intl.formatMessage(m.actorClient)} value={event.actor.client_id ?? event.actor.agency_id} mono />
            <Field label={intl.formatMessage(m.tenant)} value={name(event.tenant_id)} mono />
            <Field label={intl.formatMessage(m.partner)} value={name(event.partner_id)} mono />
            <Field label={intl.formatMessage(m.billingAccount)} value={event.ban} mono />
            <Field label={intl.formatMessage(m.target)} value={event.target.type ? [kindLabel(event.target.type), event.target.name ?? name(event.target.id)].filter(Boolean).join(' · ') : null} mono />
            <Field label={intl.formatMessage(m.requestId)} value={event.request_id} mono />
            <Field label={intl.formatMessage(m.ip)} value={event.ip} mono />
          </SimpleGrid>
          <Field label={intl.formatMessage(m.userAgent)} value={event.user_agent} />
          {onFilter && (event.actor.user_id || event.target.id) && (
            <Group gap="xs">
              {event.actor.user_id && (
                <Button size="xs" variant="light" onClick={() => onFilter('actor_user_id', event.actor.user_id!)}>
                  {intl.formatMessage(m.byActor)}
                </Button>
              )}
              {event.target.id && (
                <Button size="xs" variant="light" onClick={() => onFilter('target_id', event.target.id!)}>
                  {intl.formatMessage(m.aboutTarget)}
                </Button>
              )}
            </Group>
          )}
          <div>
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              {intl.formatMessage(m.details)}
            </Text>
            <Code block>{JSON.stringify(event.details, null, 2)}</Code>
          </div>
          <div>
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              {intl.formatMessage(m.hash)}
            </Text>
            <Code block data-testid="audit-hash" style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
              {event.hash}
            </Code>
            <Text size="xs" c="dimmed" mt={4}>
              <FormattedMessage
                id="components.audit_event.hash_hint"
                defaultMessage="Each event's hash covers its content and the previous event's hash, so editing or deleting any past event breaks the chain. <code>partnergate audit verify</code> checks it."
                values={{ code: (chunks) => <Code>{chunks}</Code> }}
              />
            </Text>
          </div>
        </Stack>
      )}
    </Drawer>
  );
}
