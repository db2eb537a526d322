/**
 * Operator → Data sources → "Where new orders and tickets go": per kind, the reference service (written
 * here at once) or the provider's own system through one of the gateway routes, with the source its
 * records come back through and how long the portal waits before saying to check with the provider.
 */
import { useState } from 'react';
import { FormattedMessage, useIntl, type IntlShape } from 'react-intl';
import { Alert, Button, Group, Modal, NumberInput, Paper, Radio, Select, Stack, Text, Title } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { writeRoutesApi, type WritableKind, type WriteChoiceDto, type WriteRoutesDto } from '../../api/writeRoutes.ts';
import { writeRouteKeys } from '../../api/keys/writeRoutes.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { FormActions } from '../../components/FormActions.tsx';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { defineMessages, type Message } from '../../i18n/define.ts';
import { common } from '../../i18n/common-messages.ts';

const m = defineMessages({
  hereAtOnce: { id: 'data_sources.write_routes.here_at_once', defaultMessage: 'Written here at once (the built-in reference service).' },
  viaGateway: {
    id: 'data_sources.write_routes.via_gateway',
    defaultMessage:
      'Sent to your system through the gateway route “{route}”; they come back through {source}. Until then they show as waiting; after {minutes} minutes without them, as not confirmed.',
  },
  title: { id: 'data_sources.write_routes.title', defaultMessage: 'Where new orders and tickets go' },
  intro: {
    id: 'data_sources.write_routes.intro',
    defaultMessage:
      'Orders and tickets placed in the portal or through the API can be sent to your own system, which stays the record. What it takes shows as waiting until its data source sends it back.',
  },
  sourceRevoked: { id: 'data_sources.write_routes.source_revoked', defaultMessage: '{source} is revoked: nothing it was sent can come back until it has a token again.' },
  changeLabel: { id: 'data_sources.write_routes.change_label', defaultMessage: '{kind, select, orders {Change where orders go} other {Change where support tickets go}}' },
  change: { id: 'data_sources.write_routes.change', defaultMessage: 'Change' },
  saved: {
    id: 'data_sources.write_routes.saved',
    defaultMessage:
      '{kind, select, orders {Saved: new orders and cancellations follow the new setting from now on.} other {Saved: new tickets, replies and answers follow the new setting from now on.}}',
  },
  noRule: { id: 'data_sources.write_routes.no_rule', defaultMessage: '{route} — has no rule for {calls}' },
  modalTitle: { id: 'data_sources.write_routes.modal_title', defaultMessage: '{kind, select, orders {Where orders go} other {Where support tickets go}}' },
  optionHere: { id: 'data_sources.write_routes.option_here', defaultMessage: 'Here at once (the built-in reference service)' },
  optionProvider: { id: 'data_sources.write_routes.option_provider', defaultMessage: 'To your own system, through a gateway route' },
  noRoute: {
    id: 'data_sources.write_routes.no_route',
    defaultMessage:
      'No gateway route is configured yet. Add one for your system in the GATEWAY_ROUTES setting (the operators’ guide says how), with rules for the calls these writes make.',
  },
  routeLabel: { id: 'data_sources.write_routes.route_label', defaultMessage: 'Gateway route of your system' },
  routeHelp: { id: 'data_sources.write_routes.route_help', defaultMessage: 'Only routes with a rule for each call these writes make can be picked.' },
  noSource: {
    id: 'data_sources.write_routes.no_source',
    defaultMessage:
      '{kind, select, orders {No active data source sends orders yet. Add one first: the records come back through it.} other {No active data source sends support tickets yet. Add one first: the records come back through it.}}',
  },
  sourceLabel: { id: 'data_sources.write_routes.source_label', defaultMessage: 'Data source the records come back through' },
  minutesLabel: { id: 'data_sources.write_routes.minutes_label', defaultMessage: 'Minutes before “not confirmed”' },
  minutesHelp: { id: 'data_sources.write_routes.minutes_help', defaultMessage: 'After this long without the record back, the portal tells people to check with your system.' },
  save: { id: 'data_sources.write_routes.save', defaultMessage: 'Save' },
});

const KIND_TITLE: Record<WritableKind, Message> = defineMessages({
  orders: { id: 'data_sources.write_routes.kind.orders', defaultMessage: 'Orders' },
  tickets: { id: 'data_sources.write_routes.kind.tickets', defaultMessage: 'Support tickets' },
});
const KIND_WHAT: Record<WritableKind, Message> = defineMessages({
  orders: { id: 'data_sources.write_routes.kind.orders_what', defaultMessage: 'New orders and cancellations' },
  tickets: { id: 'data_sources.write_routes.kind.tickets_what', defaultMessage: 'New tickets, replies and answers' },
});

function choiceWords(intl: IntlShape, c: WriteChoiceDto): string {
  if (c.goes_to === 'reference_service' || !c.source) return intl.formatMessage(m.hereAtOnce);
  return intl.formatMessage(m.viaGateway, { route: c.route_name, source: c.source.name, minutes: c.confirm_within_minutes });
}

export function WriteRoutesPanel() {
  const intl = useIntl();
  const q = useApiQuery(writeRouteKeys.all, writeRoutesApi.get);
  const [editing, setEditing] = useState<WritableKind | null>(null);
  return (
    <Paper withBorder p="md" radius="md" mt="xl" data-testid="write-routes">
      <Stack gap="sm">
        <div>
          <Title order={2} size="h4">
            <FormattedMessage {...m.title} />
          </Title>
          <Text size="sm" c="dimmed">
            <FormattedMessage {...m.intro} />
          </Text>
        </div>
        <ErrorAlert error={q.error} />
        {q.loading && (
          <Text size="sm">
            <FormattedMessage {...common.loading} />
          </Text>
        )}
        {q.data?.kinds.map((c) => (
          <Group key={c.kind} justify="space-between" align="flex-start" wrap="wrap" gap="xs" data-testid={`write-route-${c.kind}`}>
            <Stack gap={2} style={{ flex: '1 1 260px', minWidth: 0 }}>
              <Text fw={500} size="sm">
                <FormattedMessage {...KIND_TITLE[c.kind]} />
              </Text>
              <Text size="sm">{choiceWords(intl, c)}</Text>
              {c.source && !c.source.active && (
                <Text size="sm" c="red.8">
                  <FormattedMessage {...m.sourceRevoked} values={{ source: c.source.name }} />
                </Text>
              )}
            </Stack>
            <Button size="xs" variant="light" onClick={() => setEditing(c.kind)} aria-label={intl.formatMessage(m.changeLabel, { kind: c.kind })}>
              <FormattedMessage {...m.change} />
            </Button>
          </Group>
        ))}
      </Stack>
      {editing && q.data && <ChangeModal kind={editing} data={q.data} onClose={() => setEditing(null)} />}
    </Paper>
  );
}

function ChangeModal({ kind, data, onClose }: { kind: WritableKind; data: WriteRoutesDto; onClose(): void }) {
  const intl = useIntl();
  const current = data.kinds.find((k) => k.kind === kind)!;
  const [to, setTo] = useState<string>(current.goes_to);
  const [route, setRoute] = useState<string | null>(current.route_name);
  const [source, setSource] = useState<string | null>(current.source?.id ?? null);
  const [minutes, setMinutes] = useState<number | string>(current.confirm_within_minutes ?? 60);
  const save = useApiMutation(
    () => writeRoutesApi.set(kind, to === 'provider' ? { goes_to: 'provider', route_name: route ?? '', source_id: source ?? '', confirm_within_minutes: Number(minutes) || 60 } : { goes_to: 'reference_service' }),
    { success: intl.formatMessage(m.saved, { kind }), onDone: onClose, invalidates: [writeRouteKeys.all] },
  );
  const routes = data.routes.map((r) => ({
    value: r.name,
    label: r.missing[kind].length ? intl.formatMessage(m.noRule, { route: r.name, calls: intl.formatList(r.missing[kind], { type: 'conjunction' }) }) : r.name,
    disabled: r.missing[kind].length > 0,
  }));
  const sources = data.sources.filter((s) => s.kinds.includes(kind)).map((s) => ({ value: s.id, label: s.name }));
  const invalid = to === 'provider' && (!route || !source);
  return (
    <Modal opened onClose={onClose} title={intl.formatMessage(m.modalTitle, { kind })} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!invalid) void save.run();
        }}
      >
        <Stack>
          <Radio.Group label={intl.formatMessage(KIND_WHAT[kind])} value={to} onChange={setTo}>
            <Stack gap={6} mt={6}>
              <Radio value="reference_service" label={intl.formatMessage(m.optionHere)} />
              <Radio value="provider" label={intl.formatMessage(m.optionProvider)} />
            </Stack>
          </Radio.Group>
          {to === 'provider' && (
            <>
              {routes.length === 0 ? (
                <Alert color="gray" icon={<IconInfoCircle size={16} />}>
                  <FormattedMessage {...m.noRoute} />
                </Alert>
              ) : (
                <Select
                  label={intl.formatMessage(m.routeLabel)}
                  description={intl.formatMessage(m.routeHelp)}
                  data={routes}
                  value={route}
                  onChange={setRoute}
                  allowDeselect={false}
                  data-testid="write-route-select"
                />
              )}
              {sources.length === 0 ? (
                <Alert color="gray" icon={<IconInfoCircle size={16} />}>
                  <FormattedMessage {...m.noSource} values={{ kind }} />
                </Alert>
              ) : (
                <Select label={intl.formatMessage(m.sourceLabel)} data={sources} value={source} onChange={setSource} allowDeselect={false} data-testid="write-source-select" />
              )}
              <NumberInput label={intl.formatMessage(m.minutesLabel)} description={intl.formatMessage(m.minutesHelp)} min={1} max={10080} value={minutes} onChange={setMinutes} />
            </>
          )}
          <ErrorAlert error={save.error} />
          <FormActions onCancel={onClose} busy={save.busy} disabled={invalid} submitLabel={intl.formatMessage(m.save)} />
        </Stack>
      </form>
    </Modal>
  );
}
