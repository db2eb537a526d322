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
import { formatMoney } from './shared.tsx';

const PRIORITIES: { key: Priority; label: string }[] = [
  { key: 'urgent', label: 'Urgent' },
  { key: 'high', label: 'High' },
  { key: 'normal', label: 'Normal' },
  { key: 'low', label: 'Low' },
];
const ALERTS: { key: 'sla_breach' | 'receivables_threshold' | 'invoice_overdue'; label: string }[] = [
  { key: 'sla_breach', label: 'A month misses the promised availability' },
  { key: 'invoice_overdue', label: 'An invoice becomes overdue' },
  { key: 'receivables_threshold', label: 'The customer owes more than the billing threshold' },
];
const SECTION_WORDS: Record<string, string> = { sla: 'service levels', alerts: 'alert settings', billing_threshold: 'billing threshold' };

/** ['a', 'b', 'c'] → "a, b and c" */
const listWords = (xs: string[]) => (xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);

/** 90 → "1 h 30 min", 1440 → "1 day" */
export function duration(minutes: number): string {
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const parts = [d ? `${d} day${d === 1 ? '' : 's'}` : '', h ? `${h} h` : '', m ? `${m} min` : ''].filter(Boolean);
  return parts.join(' ') || '0 min';
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
  const [editing, setEditing] = useState(false);
  const counterpart = side === 'partner' ? c.tenant_name : c.partner_name;
  return (
    <Paper withBorder radius="md" p="md" data-testid="link-commitments" data-delegation={c.delegation_id}>
      <Stack>
        <Group justify="space-between" wrap="wrap" gap="xs">
          <div style={{ minWidth: 0 }}>
            <Title order={4}>{side === 'partner' ? 'What you committed to' : `What ${c.partner_name} committed to`}</Title>
            <Text size="sm" c="dimmed">
              {side === 'partner' ? `Service levels, alerts and the billing threshold agreed with ${counterpart}. ${counterpart} sees the same.` : `Service levels, alerts and the billing threshold of ${c.partner_name}'s access. ${c.partner_name} sees the same.`}
            </Text>
          </div>
          {c.can_edit ? (
            <Button variant="light" size="xs" leftSection={<IconPencil size={14} />} onClick={() => setEditing(true)} data-testid="edit-commitments">
              Change
            </Button>
          ) : (
            <Text size="xs" c="dimmed" data-testid="commitments-readonly">
              {side === 'partner' ? 'Only members with full access can change these.' : 'Only your administrators can change these.'}
            </Text>
          )}
        </Group>
        <SimpleGrid cols={{ base: 1, md: 3 }}>
          <Item label="Availability">
            <Text fw={600} size="lg" data-testid="commitment-availability">
              {c.sla.availability_pct} %
            </Text>
            <Text size="xs" c="dimmed">
              each month
            </Text>
          </Item>
          <Item label="Billing threshold">
            <Text fw={600} size="lg" data-testid="commitment-threshold">
              {formatMoney(c.billing_threshold.amount_cents, c.billing_threshold.currency)}
            </Text>
            <Text size="xs" c="dimmed">
              an alert when the customer owes more
            </Text>
          </Item>
          <Item label="Alerts">
            <Stack gap={2} data-testid="commitment-alerts">
              {ALERTS.filter((a) => c.alerts[a.key]).map((a) => (
                <Text key={a.key} size="sm">
                  {a.label}
                </Text>
              ))}
              {ALERTS.every((a) => !c.alerts[a.key]) && <Text size="sm">No alerts.</Text>}
              <Text size="xs" c="dimmed">
                {[c.alerts.channels.includes('in_app') ? 'in the portal' : '', c.alerts.channels.includes('email') ? 'by e-mail' : ''].filter(Boolean).join(' and ') || 'not sent'}
                {c.alerts.recipients.length > 0 ? ` · e-mail to ${c.alerts.recipients.join(', ')}` : ''}
              </Text>
            </Stack>
          </Item>
        </SimpleGrid>
        {/* a region that may scroll sideways on a phone: focusable so it can be scrolled by keyboard too */}
        <Box style={{ overflowX: 'auto' }} tabIndex={0} aria-label="Response and resolution times by ticket priority">
          <Table verticalSpacing={4} fz="sm" data-testid="commitment-times">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Ticket priority</Table.Th>
                <Table.Th>First response within</Table.Th>
                <Table.Th>Resolved within</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {PRIORITIES.map((p) => (
                <Table.Tr key={p.key}>
                  <Table.Td>{p.label}</Table.Td>
                  <Table.Td>{duration(c.sla.response_minutes[p.key])}</Table.Td>
                  <Table.Td>{duration(c.sla.resolution_minutes[p.key])}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Box>
        <Text size="xs" c="dimmed" data-testid="commitments-changed">
          {c.updated_at
            ? `Last changed ${formatDateTime(c.updated_at)} by ${c.updated_by ? `${c.updated_by.name}${c.updated_by.partner_name ? ` (${c.updated_by.partner_name})` : ''}` : 'someone no longer here'}.`
            : 'The standard commitments: nobody has changed them yet.'}
        </Text>
        {history && history.length > 0 && (
          <Stack gap={4} data-testid="commitments-history">
            <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
              Changes
            </Text>
            {history.map((e) => {
              const changed = ((e.details as { changed?: string[] }).changed ?? []).map((k) => SECTION_WORDS[k] ?? k);
              return (
                <Text key={e.id} size="sm">
                  {formatDateTime(e.occurred_at)} · {e.actor_name ?? 'Someone'}
                  {e.partner_name && (e.details as { side?: string }).side === 'partner' ? ` (${e.partner_name})` : ''} changed {changed.length ? `the ${listWords(changed)}` : 'nothing'}
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

const minutesCheck = (v: number | string) => (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 525_600 ? 'Enter whole minutes, from 1 to 525,600 (a year).' : undefined);

function EditCommitments({ c, opened, onClose, save, onSaved }: { c: LinkCommitments; opened: boolean; onClose(): void; save: CommitmentsPanelProps['save']; onSaved(c: SavedCommitments): void }) {
  const action = useApiMutation((v: Values) => save(toBody(v)), { success: 'Commitments saved. Both sides see the change.', onDone: onSaved });
  const form = useApiForm<Values>(
    {
      initialValues: toValues(c),
      validate: {
        availability_pct: (v) => (typeof v !== 'number' || v < 90 || v > 100 ? 'Enter an availability between 90 and 100 %.' : undefined),
        response: { low: minutesCheck, normal: minutesCheck, high: minutesCheck, urgent: minutesCheck },
        resolution: { low: minutesCheck, normal: minutesCheck, high: minutesCheck, urgent: minutesCheck },
        recipients: (v) => (v.some((x) => !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(x)) ? 'Each recipient must be an e-mail address like name@example.com.' : v.length > 20 ? 'Name at most 20 recipients.' : undefined),
        threshold: (v) => (typeof v !== 'number' || v < 0 ? 'Enter an amount of 0 or more.' : undefined),
        currency: (v) => required(v, 'Enter the currency, e.g. USD.') ?? (/^[A-Z]{3}$/.test(v.trim().toUpperCase()) ? undefined : 'Enter a three-letter currency code, e.g. USD.'),
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
    <Modal opened={opened} onClose={onClose} title="Change the commitments" size="lg">
      <form noValidate onSubmit={form.submit((v) => action.run(v))} data-testid="commitments-form">
        <Stack>
          <NumberInput label="Availability each month (%)" description="e.g. 99.9" min={90} max={100} step={0.01} decimalScale={3} withAsterisk {...form.getInputProps('availability_pct')} />
          <div>
            <Text size="sm" fw={500}>
              Response and resolution times, in minutes
            </Text>
            <Text size="xs" c="dimmed" mb={4}>
              60 is an hour, 1440 a day.
            </Text>
            <Stack gap="xs">
              {PRIORITIES.map((p) => (
                <SimpleGrid key={p.key} cols={{ base: 1, xs: 2 }} spacing="xs">
                  <NumberInput label={`${p.label}: first response`} min={1} allowDecimal={false} {...form.getInputProps(`response.${p.key}`)} />
                  <NumberInput label={`${p.label}: resolved`} min={1} allowDecimal={false} {...form.getInputProps(`resolution.${p.key}`)} />
                </SimpleGrid>
              ))}
            </Stack>
          </div>
          <Stack gap={6}>
            <Text size="sm" fw={500}>
              Send an alert when
            </Text>
            {ALERTS.map((a) => (
              <Checkbox key={a.key} label={a.label} {...form.getInputProps(a.key, { type: 'checkbox' })} />
            ))}
          </Stack>
          <Group gap="lg">
            <Checkbox label="In the portal" {...form.getInputProps('in_app', { type: 'checkbox' })} />
            <Checkbox label="By e-mail" {...form.getInputProps('email', { type: 'checkbox' })} />
          </Group>
          <TagsInput label="E-mail recipients" description="Press Enter after each address." placeholder="name@example.com" {...form.getInputProps('recipients')} />
          <SimpleGrid cols={{ base: 1, xs: 2 }}>
            <NumberInput label="Billing threshold" description="an alert when the customer owes more" min={0} decimalScale={2} thousandSeparator="," withAsterisk {...form.getInputProps('threshold')} />
            <TextInput label="Currency" maxLength={3} withAsterisk {...form.getInputProps('currency')} />
          </SimpleGrid>
          <ErrorAlert error={action.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={action.busy} data-testid="save-commitments">
              Save
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
