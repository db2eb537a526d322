/**
 * Operator: a partner's request limits and quotas — requests per minute by kind, the
 * daily and monthly quotas — and its usage against them by day. Empty fields keep the platform's
 * defaults.
 */
import { Button, Group, NumberInput, Paper, SimpleGrid, Skeleton, Stack, Text } from '@mantine/core';
import { partnerLimitsApi, type LimitsSection } from '../../../api/partnerLimits.ts';
import { ErrorAlert } from '../../../components/ErrorAlert.tsx';
import { useApiMutation, useApiQuery } from '../../../query/query.ts';
import { useApiForm } from '../../../query/form.ts';
import { UsageSummary } from './UsageSummary.tsx';
import { partnerKeys } from '../../../api/keys/partners.ts';
import { usePartnerConfiguration } from './usePartnerConfiguration.ts';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../../i18n/define.ts';

const m = defineMessages({
  usage: { id: 'operator.partner_config.limits.usage', defaultMessage: 'Usage' },
  saved: { id: 'operator.partner_config.limits.saved', defaultMessage: 'Limits saved. They apply from the next request.' },
  monthTooSmall: { id: 'operator.partner_config.limits.month_too_small', defaultMessage: 'The month must allow at least as many requests as one day.' },
  title: { id: 'operator.partner_config.limits.title', defaultMessage: 'Limits and quotas' },
  text: {
    id: 'operator.partner_config.limits.text',
    defaultMessage: "Leave a field empty to keep the platform's default. Requests over a limit are refused and the caller is told when to try again.",
  },
  read: { id: 'operator.partner_config.limits.read', defaultMessage: 'Reading data, per minute' },
  write: { id: 'operator.partner_config.limits.write', defaultMessage: 'Changing data, per minute' },
  eachPerson: { id: 'operator.partner_config.limits.each_person', defaultMessage: 'for each of its people and apps' },
  all: { id: 'operator.partner_config.limits.all', defaultMessage: 'All requests, per minute' },
  allTogether: { id: 'operator.partner_config.limits.all.description', defaultMessage: 'all its people and apps together' },
  default: { id: 'operator.partner_config.limits.default', defaultMessage: 'Default' },
  daily: { id: 'operator.partner_config.limits.daily', defaultMessage: 'Requests per day' },
  dailyDescription: { id: 'operator.partner_config.limits.daily.description', defaultMessage: 'counted from midnight UTC' },
  dailyNone: { id: 'operator.partner_config.limits.daily.none', defaultMessage: 'No daily limit' },
  monthly: { id: 'operator.partner_config.limits.monthly', defaultMessage: 'Requests per month' },
  monthlyDescription: { id: 'operator.partner_config.limits.monthly.description', defaultMessage: 'counted from the first of the month, UTC' },
  monthlyNone: { id: 'operator.partner_config.limits.monthly.none', defaultMessage: 'No monthly limit' },
  failed: { id: 'operator.partner_config.limits.failed', defaultMessage: 'The limits were not saved' },
  save: { id: 'operator.partner_config.limits.save', defaultMessage: 'Save limits' },
  reset: { id: 'operator.partner_config.limits.reset', defaultMessage: "Use the platform's defaults" },
});

interface Values {
  read: number | string;
  write: number | string;
  partner: number | string;
  daily: number | string;
  monthly: number | string;
}

const num = (v: number | string): number | undefined => (v === '' || v === undefined ? undefined : Number(v));

export function LimitsTab({ partnerId }: { partnerId: string }) {
  const config = usePartnerConfiguration(partnerId);
  const usage = useApiQuery(partnerKeys.usage(partnerId), () => partnerLimitsApi.usage(partnerId));
  return (
    <Stack gap="lg">
      {config.error ? <ErrorAlert error={config.error} /> : config.loading || !config.data ? <Skeleton h={260} /> : <LimitsForm partnerId={partnerId} limits={config.data.config.limits ?? null} version={config.data.version} />}
      <div>
        <Text fw={600} mb="xs">
          <FormattedMessage {...m.usage} />
        </Text>
        {usage.error ? <ErrorAlert error={usage.error} /> : <UsageSummary usage={usage.data} loading={usage.loading} />}
      </div>
    </Stack>
  );
}

function LimitsForm({ partnerId, limits, version }: { partnerId: string; limits: LimitsSection | null; version: number }) {
  const intl = useIntl();
  const save = useApiMutation((value: LimitsSection | null) => partnerLimitsApi.setSection(partnerId, 'limits', value, version), {
    success: intl.formatMessage(m.saved),
    invalidates: [partnerKeys.configuration(partnerId), partnerKeys.usage(partnerId)],
  });
  const pm = limits?.per_minute ?? {};
  const form = useApiForm<Values>(
    {
      initialValues: { read: pm.read ?? '', write: pm.write ?? '', partner: pm.partner ?? '', daily: limits?.daily_quota ?? '', monthly: limits?.monthly_quota ?? '' },
      validate: {
        monthly: (v, all) => (num(v) !== undefined && num(all.daily) !== undefined && Number(all.daily) > Number(v) ? intl.formatMessage(m.monthTooSmall) : undefined),
      },
    },
    save,
  );
  const send = (v: Values) => {
    const per: Record<string, number> = { ...pm };
    for (const k of ['read', 'write', 'partner'] as const) {
      const x = num(v[k]);
      if (x === undefined) delete per[k];
      else per[k] = x;
    }
    const value: LimitsSection = {};
    if (Object.keys(per).length > 0) value.per_minute = per;
    const daily = num(v.daily);
    const monthly = num(v.monthly);
    if (daily !== undefined) value.daily_quota = daily;
    if (monthly !== undefined) value.monthly_quota = monthly;
    return save.run(Object.keys(value).length > 0 ? value : null);
  };
  return (
    <Paper withBorder radius="md" p="md">
      <form noValidate onSubmit={form.submit(send)}>
        <Stack gap="md">
          <div>
            <Text fw={600}>
              <FormattedMessage {...m.title} />
            </Text>
            <Text size="sm" c="dimmed">
              <FormattedMessage {...m.text} />
            </Text>
          </div>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <NumberInput label={intl.formatMessage(m.read)} description={intl.formatMessage(m.eachPerson)} min={1} max={1_000_000} allowDecimal={false} thousandSeparator="," placeholder={intl.formatMessage(m.default)} {...form.getInputProps('read')} />
            <NumberInput label={intl.formatMessage(m.write)} description={intl.formatMessage(m.eachPerson)} min={1} max={1_000_000} allowDecimal={false} thousandSeparator="," placeholder={intl.formatMessage(m.default)} {...form.getInputProps('write')} />
            <NumberInput label={intl.formatMessage(m.all)} description={intl.formatMessage(m.allTogether)} min={1} max={1_000_000} allowDecimal={false} thousandSeparator="," placeholder={intl.formatMessage(m.default)} {...form.getInputProps('partner')} />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <NumberInput label={intl.formatMessage(m.daily)} description={intl.formatMessage(m.dailyDescription)} min={1} max={1_000_000_000} allowDecimal={false} thousandSeparator="," placeholder={intl.formatMessage(m.dailyNone)} {...form.getInputProps('daily')} />
            <NumberInput label={intl.formatMessage(m.monthly)} description={intl.formatMessage(m.monthlyDescription)} min={1} max={30_000_000_000} allowDecimal={false} thousandSeparator="," placeholder={intl.formatMessage(m.monthlyNone)} {...form.getInputProps('monthly')} />
          </SimpleGrid>
          <ErrorAlert error={save.error} title={intl.formatMessage(m.failed)} />
          <Group>
            <Button type="submit" loading={save.busy}>
              <FormattedMessage {...m.save} />
            </Button>
            {limits && (
              <Button variant="default" onClick={() => void save.run(null)} disabled={save.busy}>
                <FormattedMessage {...m.reset} />
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
