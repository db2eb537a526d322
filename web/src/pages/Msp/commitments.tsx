/**
 * What a partner link commits to, shown the same way to the MSP and to the
 * customer: the service levels (availability, first response and resolution per ticket priority),
 * which alerts are sent to whom and how, and the billing threshold — with who changed them last and
 * the history of changes from the audit log. Whoever the server lets change them (can_edit) gets
 * the form; everyone else reads.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { Box, Button, Checkbox, Group, Modal, NumberInput, Paper, SimpleGrid, Stack, Table, TagsInput, Text, TextInput, Title } from '@mantine/core';
import { IconPencil } from '@tabler/icons-react';
import type { AuditEventDto } from '../../api/index.ts';
import type { Commitments, CommitmentsChange, LinkCommitments, Priority, SavedCommitments } from '../../api/msp.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatDateTime } from '../../components/format.ts';
import { required, useApiForm } from '../../query/form.ts';
import { useApiMutation } from '../../query/query.ts';
import { FormattedMessage, useIntl, type IntlShape } from 'react-intl';
import { defineMessages, type Message } from '../../i18n/define.ts';
import { formatMoney, formatPercent } from './shared.tsx';
import { useMe } from '../../session/SessionContext.tsx';

const m = defineMessages({
  urgent: { id: 'msp.commitments.priority.urgent', defaultMessage: 'Urgent' },
  high: { id: 'msp.commitments.priority.high', defaultMessage: 'High' },
  normal: { id: 'msp.commitments.priority.normal', defaultMessage: 'Normal' },
  low: { id: 'msp.commitments.priority.low', defaultMessage: 'Low' },
  alertSla: { id: 'msp.commitments.alert.sla_breach', defaultMessage: 'A month misses the promised availability' },
  alertOverdue: { id: 'msp.commitments.alert.invoice_overdue', defaultMessage: 'An invoice becomes overdue' },
  alertThreshold: { id: 'msp.commitments.alert.receivables_threshold', defaultMessage: 'The customer owes more than the billing threshold' },
  sectionSla: { id: 'msp.commitments.section.sla', defaultMessage: 'service levels' },
  sectionAlerts: { id: 'msp.commitments.section.alerts', defaultMessage: 'alert settings' },
  sectionThreshold: { id: 'msp.commitments.section.billing_threshold', defaultMessage: 'billing threshold' },
  listAnd: { id: 'msp.commitments.list.and', defaultMessage: '{head} and {last}' },
  days: { id: 'msp.commitments.duration.days', defaultMessage: '{count, plural, one {# day} other {# days}}' },
  hours: { id: 'msp.commitments.duration.hours', defaultMessage: '{count} h' },
  minutes: { id: 'msp.commitments.duration.minutes', defaultMessage: '{count} min' },
  titlePartner: { id: 'msp.commitments.title.partner', defaultMessage: 'What you committed to' },
  titleTenant: { id: 'msp.commitments.title.tenant', defaultMessage: 'What {partner} committed to' },
  introPartner: {
    id: 'msp.commitments.intro.partner',
    defaultMessage: 'Service levels, alerts and the billing threshold agreed with {customer}. {customer} sees the same.',
  },
  introTenant: {
    id: 'msp.commitments.intro.tenant',
    defaultMessage: "Service levels, alerts and the billing threshold of {partner}'s access. {partner} sees the same.",
  },
  change: { id: 'msp.commitments.change', defaultMessage: 'Change' },
  readonlyPartner: { id: 'msp.commitments.readonly.partner', defaultMessage: 'Only members with full access can change these.' },
  readonlyTenant: { id: 'msp.commitments.readonly.tenant', defaultMessage: 'Only your administrators can change these.' },
  availability: { id: 'msp.commitments.availability', defaultMessage: 'Availability' },
  eachMonth: { id: 'msp.commitments.each_month', defaultMessage: 'each month' },
  threshold: { id: 'msp.commitments.threshold', defaultMessage: 'Billing threshold' },
  thresholdHint: { id: 'msp.commitments.threshold.hint', defaultMessage: 'an alert when the customer owes more' },
  alerts: { id: 'msp.commitments.alerts', defaultMessage: 'Alerts' },
  noAlerts: { id: 'msp.commitments.alerts.none', defaultMessage: 'No alerts.' },
  channels: {
    id: 'msp.commitments.alerts.channels',
    defaultMessage: '{channels, select, both {in the portal and by e-mail} in_app {in the portal} email {by e-mail} other {not sent}}',
  },
  recipients: { id: 'msp.commitments.alerts.recipients', defaultMessage: 'e-mail to {recipients}' },
  timesRegion: { id: 'msp.commitments.times.region', defaultMessage: 'Response and resolution times by ticket priority' },
  ticketPriority: { id: 'msp.commitments.times.priority', defaultMessage: 'Ticket priority' },
  firstResponse: { id: 'msp.commitments.times.first_response', defaultMessage: 'First response within' },
  resolvedWithin: { id: 'msp.commitments.times.resolved', defaultMessage: 'Resolved within' },
  lastChanged: { id: 'msp.commitments.last_changed', defaultMessage: 'Last changed {date} by {who}.' },
  someoneGone: { id: 'msp.commitments.someone_gone', defaultMessage: 'someone no longer here' },
  standard: { id: 'msp.commitments.standard', defaultMessage: 'The standard commitments: nobody has changed them yet.' },
  changes: { id: 'msp.commitments.history.title', defaultMessage: 'Changes' },
  someone: { id: 'msp.commitments.history.someone', defaultMessage: 'Someone' },
  changedSome: { id: 'msp.commitments.history.changed', defaultMessage: '{date} · {actor} changed the {sections}' },
  changedNothing: { id: 'msp.commitments.history.changed_nothing', defaultMessage: '{date} · {actor} changed nothing' },
  youChangedSome: { id: 'msp.commitments.history.you_changed', defaultMessage: '{date} · You changed the {sections}' },
  youChangedNothing: { id: 'msp.commitments.history.you_changed_nothing', defaultMessage: '{date} · You changed nothing' },
  minutesInvalid: { id: 'msp.commitments.form.minutes_invalid', defaultMessage: 'Enter whole minutes, from 1 to 525,600 (a year).' },
  saved: { id: 'msp.commitments.saved', defaultMessage: 'Commitments saved. Both sides see the change.' },
  availabilityInvalid: { id: 'msp.commitments.form.availability_invalid', defaultMessage: 'Enter an availability between 90 and 100 %.' },
  recipientInvalid: { id: 'msp.commitments.form.recipient_invalid', defaultMessage: 'Each recipient must be an e-mail address like name@example.com.' },
  tooManyRecipients: { id: 'msp.commitments.form.too_many_recipients', defaultMessage: 'Name at most 20 recipients.' },
  amountInvalid: { id: 'msp.commitments.form.amount_invalid', defaultMessage: 'Enter an amount of 0 or more.' },
  currencyRequired: { id: 'msp.commitments.form.currency_required', defaultMessage: 'Enter the currency, e.g. USD.' },
  currencyInvalid: { id: 'msp.commitments.form.currency_invalid', defaultMessage: 'Enter a three-letter currency code, e.g. USD.' },
  formTitle: { id: 'msp.commitments.form.title', defaultMessage: 'Change the commitments' },
  availabilityLabel: { id: 'msp.commitments.form.availability', defaultMessage: 'Availability each month (%)' },
  availabilityHelp: { id: 'msp.commitments.form.availability_help', defaultMessage: 'e.g. 99.9' },
  timesTitle: { id: 'msp.commitments.form.times', defaultMessage: 'Response and resolution times, in minutes' },
  timesHelp: { id: 'msp.commitments.form.times_help', defaultMessage: '60 is an hour, 1440 a day.' },
  responseLabel: { id: 'msp.commitments.form.response', defaultMessage: '{priority}: first response' },
  resolvedLabel: { id: 'msp.commitments.form.resolved', defaultMessage: '{priority}: resolved' },
  sendWhen: { id: 'msp.commitments.form.send_when', defaultMessage: 'Send an alert when' },
  inPortal: { id: 'msp.commitments.form.in_portal', defaultMessage: 'In the portal' },
  byEmail: { id: 'msp.commitments.form.by_email', defaultMessage: 'By e-mail' },
  recipientsLabel: { id: 'msp.commitments.form.recipients', defaultMessage: 'E-mail recipients' },
  recipientsHelp: { id: 'msp.commitments.form.recipients_help', defaultMessage: 'Press Enter after each address.' },
  recipientsPlaceholder: { id: 'msp.commitments.form.recipients_placeholder', defaultMessage: 'name@example.com' },
  currency: { id: 'msp.commitments.form.currency', defaultMessage: 'Currency' },
  cancel: { id: 'msp.commitments.form.cancel', defaultMessage: 'Cancel' },
  save: { id: 'msp.commitments.form.save', defaultMessage: 'Save' },
});

const PRIORITIES: { key: Priority; label: Message }[] = [
  { key: 'urgent', label: m.urgent },
  { key: 'high', label: m.high },
  { key: 'normal', label: m.normal },
  { key: 'low', label: m.low },
];
const ALERTS: { key: 'sla_breach' | 'receivables_threshold' | 'invoice_overdue'; label: Message }[] = [
  { key: 'sla_breach', label: m.alertSla },
  { key: 'invoice_overdue', label: m.alertOverdue },
  { key: 'receivables_threshold', label: m.alertThreshold },
];
const SECTION_WORDS: Record<string, Message> = { sla: m.sectionSla, alerts: m.sectionAlerts, billing_threshold: m.sectionThreshold };

/** ['a', 'b', 'c'] → "a, b and c" */
const listWords = (intl: IntlShape, xs: string[]) =>
  xs.length < 2 ? xs.join('') : intl.formatMessage(m.listAnd, { head: xs.slice(0, -1).join(', '), last: xs[xs.length - 1] });

/** 90 → "1 h 30 min", 1440 → "1 day" */
export function duration(intl: IntlShape, minutes: number): string {
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const min = minutes % 60;
  const parts = [d ? intl.formatMessage(m.days, { count: d }) : '', h ? intl.formatMessage(m.hours, { count: h }) : '', min ? intl.formatMessage(m.minutes, { count: min }) : ''].filter(Boolean);
  return parts.join(' ') || intl.formatMessage(m.minutes, { count: 0 });
}

function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </div>
  );
}

export interface CommitmentsPanelProps {
  c: LinkCommitments;
  /** whose words: the MSP reads "this customer", the customer reads the partner's name */
  side: 'partner' | 'tenant';
  save(body: CommitmentsChange): Promise<SavedCommitments>;
  /** the commitments as saved, with the reader's can_edit kept (the answer to a change does not repeat it) */
  onSaved(c: LinkCommitments): void;
  /** the changes recorded in the audit log (newest first), when the reader may see them */
  history?: AuditEventDto[] | null;
}

export function CommitmentsPanel({ c, side, save, onSaved, history }: CommitmentsPanelProps) {
  const intl = useIntl();
  const myId = useMe().user.id;
  const [editing, setEditing] = useState(false);
  const counterpart = side === 'partner' ? c.tenant_name : c.partner_name;
  return (
    <Paper withBorder radius="md" p="md" data-testid="link-commitments" data-delegation={c.delegation_id}>
      <Stack>
        <Group justify="space-between" wrap="wrap" gap="xs">
          <div style={{ minWidth: 0 }}>
            <Title order={3} size="h4">{side === 'partner' ? intl.formatMessage(m.titlePartner) : intl.formatMessage(m.titleTenant, { partner: c.partner_name })}</Title>
            <Text size="sm" c="dimmed">
              {side === 'partner' ? intl.formatMessage(m.introPartner, { customer: counterpart }) : intl.formatMessage(m.introTenant, { partner: c.partner_name })}
            </Text>
          </div>
          {c.can_edit ? (
            <Button variant="light" size="xs" leftSection={<IconPencil size={14} />} onClick={() => setEditing(true)} data-testid="edit-commitments">
              <FormattedMessage {...m.change} />
            </Button>
          ) : (
            <Text size="xs" c="dimmed" data-testid="commitments-readonly">
              {intl.formatMessage(side === 'partner' ? m.readonlyPartner : m.readonlyTenant)}
            </Text>
          )}
        </Group>
        <SimpleGrid cols={{ base: 1, md: 3 }}>
          <Item label={intl.formatMessage(m.availability)}>
            <Text fw={600} size="lg" data-testid="commitment-availability">
              {formatPercent(c.sla.availability_pct)}
            </Text>
            <Text size="xs" c="dimmed">
              <FormattedMessage {...m.eachMonth} />
            </Text>
          </Item>
          <Item label={intl.formatMessage(m.threshold)}>
            <Text fw={600} size="lg" data-testid="commitment-threshold">
              {formatMoney(c.billing_threshold.amount_cents, c.billing_threshold.currency)}
            </Text>
            <Text size="xs" c="dimmed">
              <FormattedMessage {...m.thresholdHint} />
            </Text>
          </Item>
          <Item label={intl.formatMessage(m.alerts)}>
            <Stack gap={2} data-testid="commitment-alerts">
              {ALERTS.filter((a) => c.alerts[a.key]).map((a) => (
                <Text key={a.key} size="sm">
                  {intl.formatMessage(a.label)}
                </Text>
              ))}
              {ALERTS.every((a) => !c.alerts[a.key]) && <Text size="sm">{intl.formatMessage(m.noAlerts)}</Text>}
              <Text size="xs" c="dimmed">
                {intl.formatMessage(m.channels, { channels: channelsOf(c.alerts.channels) })}
                {c.alerts.recipients.length > 0 ? ` · ${intl.formatMessage(m.recipients, { recipients: c.alerts.recipients.join(', ') })}` : ''}
              </Text>
            </Stack>
          </Item>
        </SimpleGrid>
        {/* a region that may scroll sideways on a phone: focusable so it can be scrolled by keyboard too */}
        <Box style={{ overflowX: 'auto' }} tabIndex={0} aria-label={intl.formatMessage(m.timesRegion)}>
          <Table verticalSpacing={4} fz="sm" data-testid="commitment-times">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{intl.formatMessage(m.ticketPriority)}</Table.Th>
                <Table.Th>{intl.formatMessage(m.firstResponse)}</Table.Th>
                <Table.Th>{intl.formatMessage(m.resolvedWithin)}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {PRIORITIES.map((p) => (
                <Table.Tr key={p.key}>
                  <Table.Td>{intl.formatMessage(p.label)}</Table.Td>
                  <Table.Td>{duration(intl, c.sla.response_minutes[p.key])}</Table.Td>
                  <Table.Td>{duration(intl, c.sla.resolution_minutes[p.key])}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Box>
        <Text size="xs" c="dimmed" data-testid="commitments-changed">
          {c.updated_at
            ? intl.formatMessage(m.lastChanged, {
                date: formatDateTime(c.updated_at),
                who: c.updated_by ? `${c.updated_by.name}${c.updated_by.partner_name ? ` (${c.updated_by.partner_name})` : ''}` : intl.formatMessage(m.someoneGone),
              })
            : intl.formatMessage(m.standard)}
        </Text>
        {history && history.length > 0 && (
          <Stack gap={4} data-testid="commitments-history">
            <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
              <FormattedMessage {...m.changes} />
            </Text>
            {history.map((e) => {
              const changed = ((e.details as { changed?: string[] }).changed ?? []).map((k) => (SECTION_WORDS[k] ? intl.formatMessage(SECTION_WORDS[k]) : k));
              const date = formatDateTime(e.occurred_at);
              const sections = listWords(intl, changed);
              // the reader's own change, in the reader's words
              if (e.actor.user_id !== null && e.actor.user_id === myId) {
                return (
                  <Text key={e.id} size="sm">
                    {changed.length ? intl.formatMessage(m.youChangedSome, { date, sections }) : intl.formatMessage(m.youChangedNothing, { date })}
                  </Text>
                );
              }
              const actor = `${e.actor_name ?? intl.formatMessage(m.someone)}${e.partner_name && (e.details as { side?: string }).side === 'partner' ? ` (${e.partner_name})` : ''}`;
              return (
                <Text key={e.id} size="sm">
                  {changed.length ? intl.formatMessage(m.changedSome, { date, actor, sections }) : intl.formatMessage(m.changedNothing, { date, actor })}
                </Text>
              );
            })}
          </Stack>
        )}
      </Stack>
      <EditCommitments c={c} opened={editing} onClose={() => setEditing(false)} save={save} onSaved={(x) => { setEditing(false); onSaved({ ...x, can_edit: c.can_edit }); }} />
    </Paper>
  );
}

type Values = {
  availability_pct: number | string;
  response: Record<Priority, number | string>;
  resolution: Record<Priority, number | string>;
  sla_breach: boolean;
  invoice_overdue: boolean;
  receivables_threshold: boolean;
  recipients: string[];
  in_app: boolean;
  email: boolean;
  threshold: number | string;
  currency: string;
};

const toValues = (c: LinkCommitments): Values => ({
  availability_pct: c.sla.availability_pct,
  response: { ...c.sla.response_minutes },
  resolution: { ...c.sla.resolution_minutes },
  sla_breach: c.alerts.sla_breach,
  invoice_overdue: c.alerts.invoice_overdue,
  receivables_threshold: c.alerts.receivables_threshold,
  recipients: [...c.alerts.recipients],
  in_app: c.alerts.channels.includes('in_app'),
  email: c.alerts.channels.includes('email'),
  threshold: c.billing_threshold.amount_cents / 100,
  currency: c.billing_threshold.currency,
});

const minutesCheck = (intl: IntlShape) => (v: number | string) =>
  typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 525_600 ? intl.formatMessage(m.minutesInvalid) : undefined;

/** Which channels an alert goes through, as the `channels` select of the message names them. */
const channelsOf = (cs: readonly string[]) => (cs.includes('in_app') ? (cs.includes('email') ? 'both' : 'in_app') : cs.includes('email') ? 'email' : 'none');

function EditCommitments({ c, opened, onClose, save, onSaved }: { c: LinkCommitments; opened: boolean; onClose(): void; save: CommitmentsPanelProps['save']; onSaved(c: SavedCommitments): void }) {
  const intl = useIntl();
  const minutes = minutesCheck(intl);
  const action = useApiMutation((v: Values) => save(toBody(v)), { success: intl.formatMessage(m.saved), onDone: onSaved });
  const form = useApiForm<Values>(
    {
      initialValues: toValues(c),
      validate: {
        availability_pct: (v) => (typeof v !== 'number' || v < 90 || v > 100 ? intl.formatMessage(m.availabilityInvalid) : undefined),
        response: { low: minutes, normal: minutes, high: minutes, urgent: minutes },
        resolution: { low: minutes, normal: minutes, high: minutes, urgent: minutes },
        recipients: (v) =>
          v.some((x) => !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(x)) ? intl.formatMessage(m.recipientInvalid) : v.length > 20 ? intl.formatMessage(m.tooManyRecipients) : undefined,
        threshold: (v) => (typeof v !== 'number' || v < 0 ? intl.formatMessage(m.amountInvalid) : undefined),
        currency: (v) => required(v, intl.formatMessage(m.currencyRequired)) ?? (/^[A-Z]{3}$/.test(v.trim().toUpperCase()) ? undefined : intl.formatMessage(m.currencyInvalid)),
      },
    },
    action,
    { resetWhen: opened },
  );
  // Each opening starts from the saved commitments.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the dialog opens
  useEffect(() => {
    if (opened) form.setValues(toValues(c));
  }, [opened]);
  return (
    <Modal opened={opened} onClose={onClose} title={intl.formatMessage(m.formTitle)} size="lg">
      <form noValidate onSubmit={form.submit((v) => action.run(v))} data-testid="commitments-form">
        <Stack>
          <NumberInput label={intl.formatMessage(m.availabilityLabel)} description={intl.formatMessage(m.availabilityHelp)} min={90} max={100} step={0.01} decimalScale={3} withAsterisk {...form.getInputProps('availability_pct')} />
          <div>
            <Text size="sm" fw={500}>
              <FormattedMessage {...m.timesTitle} />
            </Text>
            <Text size="xs" c="dimmed" mb={4}>
              <FormattedMessage {...m.timesHelp} />
            </Text>
            <Stack gap="xs">
              {PRIORITIES.map((p) => (
                <SimpleGrid key={p.key} cols={{ base: 1, xs: 2 }} spacing="xs">
                  <NumberInput label={intl.formatMessage(m.responseLabel, { priority: intl.formatMessage(p.label) })} min={1} allowDecimal={false} {...form.getInputProps(`response.${p.key}`)} />
                  <NumberInput label={intl.formatMessage(m.resolvedLabel, { priority: intl.formatMessage(p.label) })} min={1} allowDecimal={false} {...form.getInputProps(`resolution.${p.key}`)} />
                </SimpleGrid>
              ))}
            </Stack>
          </div>
          <Stack gap={6}>
            <Text size="sm" fw={500}>
              <FormattedMessage {...m.sendWhen} />
            </Text>
            {ALERTS.map((a) => (
              <Checkbox key={a.key} label={intl.formatMessage(a.label)} {...form.getInputProps(a.key, { type: 'checkbox' })} />
            ))}
          </Stack>
          <Group gap="lg">
            <Checkbox label={intl.formatMessage(m.inPortal)} {...form.getInputProps('in_app', { type: 'checkbox' })} />
            <Checkbox label={intl.formatMessage(m.byEmail)} {...form.getInputProps('email', { type: 'checkbox' })} />
          </Group>
          <TagsInput label={intl.formatMessage(m.recipientsLabel)} description={intl.formatMessage(m.recipientsHelp)} placeholder={intl.formatMessage(m.recipientsPlaceholder)} {...form.getInputProps('recipients')} />
          <SimpleGrid cols={{ base: 1, xs: 2 }}>
            <NumberInput label={intl.formatMessage(m.threshold)} description={intl.formatMessage(m.thresholdHint)} min={0} decimalScale={2} thousandSeparator="," withAsterisk {...form.getInputProps('threshold')} />
            <TextInput label={intl.formatMessage(m.currency)} maxLength={3} withAsterisk {...form.getInputProps('currency')} />
          </SimpleGrid>
          <ErrorAlert error={action.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              <FormattedMessage {...m.cancel} />
            </Button>
            <Button type="submit" loading={action.busy} data-testid="save-commitments">
              <FormattedMessage {...m.save} />
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function toBody(v: Values): Commitments {
  const n = (x: number | string) => Number(x);
  const times = (r: Record<Priority, number | string>) => ({ low: n(r.low), normal: n(r.normal), high: n(r.high), urgent: n(r.urgent) });
  return {
    sla: { availability_pct: n(v.availability_pct), response_minutes: times(v.response), resolution_minutes: times(v.resolution) },
    alerts: {
      sla_breach: v.sla_breach,
      invoice_overdue: v.invoice_overdue,
      receivables_threshold: v.receivables_threshold,
      recipients: v.recipients.map((x) => x.trim()).filter(Boolean),
      channels: [...(v.in_app ? (['in_app'] as const) : []), ...(v.email ? (['email'] as const) : [])],
    },
    billing_threshold: { amount_cents: Math.round(n(v.threshold) * 100), currency: v.currency.trim().toUpperCase() },
  };
}
