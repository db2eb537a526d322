/**
 * Tenant side: the customer's own limits on one partner's link — the addresses the partner may
 * reach it from, the days and hours, and an earlier end — read in sentences and changed by the
 * customer's admins. The server checks and enforces them (on the partner's next request); this
 * page only says what they are and offers the form.
 */
import { useState } from 'react';
import { useIntl } from 'react-intl';
import { Button, Checkbox, Group, Paper, Select, SimpleGrid, Stack, Switch, Text, Textarea, TextInput, Title } from '@mantine/core';
import { IconPencil } from '@tabler/icons-react';
import type { LinkLimitsBody, LinkLimitsDto } from '../../api/delegations.ts';
import { delegationsApi } from '../../api/delegations.ts';
import { delegationKeys } from '../../api/keys/delegations.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { FormActions } from '../../components/FormActions.tsx';
import { formatDate } from '../../components/format.ts';
import { useApiForm } from '../../query/form.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { defineMessages } from '../../i18n/define.ts';
import { limitSentences, limitWords, weekdayName } from './LinkLimitsWords.tsx';

const m = defineMessages({
  title: { id: 'delegations.limits.title', defaultMessage: 'Your limits on this access' },
  intro: { id: 'delegations.limits.intro', defaultMessage: 'Narrow where from, when and until when {partner} may reach your data through this link. They apply from its next request.' },
  loading: { id: 'delegations.limits.loading', defaultMessage: 'Loading your limits…' },
  change: { id: 'delegations.limits.change', defaultMessage: 'Change limits' },
  addresses: { id: 'delegations.limits.form.addresses', defaultMessage: 'Addresses allowed' },
  addressesHint: { id: 'delegations.limits.form.addresses_hint', defaultMessage: 'One address or range per line, such as 203.0.113.0/24. Leave empty to allow any address.' },
  useHours: { id: 'delegations.limits.form.use_hours', defaultMessage: 'Only on certain days and hours' },
  days: { id: 'delegations.limits.form.days', defaultMessage: 'Days' },
  from: { id: 'delegations.limits.form.from', defaultMessage: 'From' },
  to: { id: 'delegations.limits.form.to', defaultMessage: 'Until' },
  toHint: { id: 'delegations.limits.form.to_hint', defaultMessage: 'Earlier than the start: the window runs overnight.' },
  zone: { id: 'delegations.limits.form.zone', defaultMessage: 'Time zone' },
  endsOn: { id: 'delegations.limits.form.ends_on', defaultMessage: 'End the access earlier, on' },
  endsOnHint: { id: 'delegations.limits.form.ends_on_hint', defaultMessage: 'At most the link’s own end, {date}. Leave empty to keep it.' },
  save: { id: 'delegations.limits.form.save', defaultMessage: 'Save limits' },
  saved: { id: 'delegations.limits.saved', defaultMessage: 'Limits saved. They apply to the partner’s next request.' },
  chooseDay: { id: 'delegations.limits.form.choose_day', defaultMessage: 'Choose at least one day.' },
});

/** Named as the server names its fields, so a refusal lands next to its input. */
interface Values {
  ip_allow: string;
  useHours: boolean;
  hours: { days: string[]; from: string; to: string; time_zone: string };
  expires_at: string;
}

const ownZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;
const ZONES: string[] = (() => {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return all.includes(ownZone()) ? all : [ownZone(), ...all];
})();

const toValues = (l: LinkLimitsDto): Values => ({
  ip_allow: l.ip_allow.join('\n'),
  useHours: l.hours !== null,
  hours: { days: (l.hours?.days ?? [1, 2, 3, 4, 5]).map(String), from: l.hours?.from ?? '08:00', to: l.hours?.to ?? '18:00', time_zone: l.hours?.time_zone ?? ownZone() },
  expires_at: l.expires_at ? l.expires_at.slice(0, 10) : '',
});

const toBody = (v: Values): LinkLimitsBody => ({
  ip_allow: v.ip_allow.split('\n').map((s) => s.trim()).filter((s) => s !== ''),
  hours: v.useHours ? { days: v.hours.days.map(Number), from: v.hours.from, to: v.hours.to, time_zone: v.hours.time_zone } : null,
  expires_at: v.expires_at ? `${v.expires_at}T00:00:00.000Z` : null,
});

export function LinkLimitsPanel({ tenantId, delegationId, partner, canEdit }: { tenantId: string; delegationId: string; partner: string; canEdit: boolean }) {
  const intl = useIntl();
  const q = useApiQuery(delegationKeys.limits('tenant', tenantId, delegationId), () => delegationsApi.tenantLimits(tenantId, delegationId), { staleTime: 0 });
  const [editing, setEditing] = useState(false);
  const l = q.data;
  const sentences = l ? limitSentences(intl, l) : [];
  return (
    <Paper withBorder radius="md" p="md" data-testid="link-limits-panel">
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <div style={{ minWidth: 0, flex: '1 1 240px' }}>
            <Title order={3} size="h4">{intl.formatMessage(m.title)}</Title>
            <Text size="sm" c="dimmed">
              {intl.formatMessage(m.intro, { partner })}
            </Text>
          </div>
          {canEdit && l && !editing && (
            <Button variant="light" size="xs" leftSection={<IconPencil size={14} />} onClick={() => setEditing(true)} data-testid="edit-link-limits">
              {intl.formatMessage(m.change)}
            </Button>
          )}
        </Group>
        <ErrorAlert error={q.error} />
        {!l && !q.error && <Text size="sm" c="dimmed">{intl.formatMessage(m.loading)}</Text>}
        {l && !editing && (
          <Stack gap={4} data-testid="link-limits">
            {sentences.length === 0 ? <Text size="sm">{intl.formatMessage(limitWords.none, { date: formatDate(l.link_ends_at) })}</Text> : sentences.map((s) => <Text size="sm" key={s}>{s}</Text>)}
          </Stack>
        )}
        {l && editing && (
          <LimitsForm
            current={l}
            save={(body) => delegationsApi.setTenantLimits(tenantId, delegationId, body)}
            onCancel={() => setEditing(false)}
            onSaved={(next) => {
              q.setData(next);
              setEditing(false);
            }}
          />
        )}
      </Stack>
    </Paper>
  );
}

function LimitsForm({ current, save, onCancel, onSaved }: { current: LinkLimitsDto; save(b: LinkLimitsBody): Promise<LinkLimitsDto>; onCancel(): void; onSaved(l: LinkLimitsDto): void }) {
  const intl = useIntl();
  const mutation = useApiMutation((v: Values) => save(toBody(v)), { success: intl.formatMessage(m.saved), onDone: onSaved });
  const form = useApiForm<Values>({ initialValues: toValues(current), validate: { hours: { days: (v, all) => (all.useHours && v.length === 0 ? intl.formatMessage(m.chooseDay) : undefined) } } }, mutation);
  const limit = current.own_ends_at;
  const days = [1, 2, 3, 4, 5, 6, 7];
  return (
    <form noValidate onSubmit={form.submit((v) => mutation.run(v))}>
      <Stack gap="sm">
        <Textarea label={intl.formatMessage(m.addresses)} description={intl.formatMessage(m.addressesHint)} autosize minRows={2} maxRows={8} {...form.getInputProps('ip_allow')} data-testid="limits-addresses" />
        <Switch label={intl.formatMessage(m.useHours)} {...form.getInputProps('useHours', { type: 'checkbox' })} data-testid="limits-use-hours" />
        {form.values.useHours && (
          <Stack gap="xs">
            <Checkbox.Group label={intl.formatMessage(m.days)} {...form.getInputProps('hours.days')}>
              <Group gap="sm" mt={4}>
                {days.map((d) => (
                  <Checkbox key={d} value={String(d)} label={weekdayName(intl.locale, d)} />
                ))}
              </Group>
            </Checkbox.Group>
            <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="xs">
              <TextInput type="time" label={intl.formatMessage(m.from)} {...form.getInputProps('hours.from')} />
              <TextInput type="time" label={intl.formatMessage(m.to)} description={intl.formatMessage(m.toHint)} {...form.getInputProps('hours.to')} />
              <Select label={intl.formatMessage(m.zone)} data={ZONES} searchable allowDeselect={false} {...form.getInputProps('hours.time_zone')} />
            </SimpleGrid>
          </Stack>
        )}
        <TextInput
          type="date"
          label={intl.formatMessage(m.endsOn)}
          description={intl.formatMessage(m.endsOnHint, { date: formatDate(limit) })}
          max={limit.slice(0, 10)}
          {...form.getInputProps('expires_at')}
          data-testid="limits-ends-on"
        />
        <ErrorAlert
          error={mutation.error}
          labels={{ ip_allow: intl.formatMessage(m.addresses), 'hours.days': intl.formatMessage(m.days), 'hours.from': intl.formatMessage(m.from), 'hours.to': intl.formatMessage(m.to), 'hours.time_zone': intl.formatMessage(m.zone), expires_at: intl.formatMessage(m.endsOn) }}
        />
        <FormActions onCancel={onCancel} busy={mutation.busy} submitLabel={intl.formatMessage(m.save)} />
      </Stack>
    </form>
  );
}
