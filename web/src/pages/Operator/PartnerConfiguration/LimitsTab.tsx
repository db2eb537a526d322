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
          Usage
        </Text>
        {usage.error ? <ErrorAlert error={usage.error} /> : <UsageSummary usage={usage.data} loading={usage.loading} />}
      </div>
    </Stack>
  );
}

function LimitsForm({ partnerId, limits, version }: { partnerId: string; limits: LimitsSection | null; version: number }) {
  const save = useApiMutation((value: LimitsSection | null) => partnerLimitsApi.setSection(partnerId, 'limits', value, version), {
    success: 'Limits saved. They apply from the next request.',
    invalidates: [partnerKeys.configuration(partnerId), partnerKeys.usage(partnerId)],
  });
  const pm = limits?.per_minute ?? {};
  const form = useApiForm<Values>(
    {
      initialValues: { read: pm.read ?? '', write: pm.write ?? '', partner: pm.partner ?? '', daily: limits?.daily_quota ?? '', monthly: limits?.monthly_quota ?? '' },
      validate: {
        monthly: (v, all) => (num(v) !== undefined && num(all.daily) !== undefined && Number(all.daily) > Number(v) ? 'The month must allow at least as many requests as one day.' : undefined),
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
            <Text fw={600}>Limits and quotas</Text>
            <Text size="sm" c="dimmed">
              Leave a field empty to keep the platform&apos;s default. Requests over a limit are refused and the caller is told when to try again.
            </Text>
          </div>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <NumberInput label="Reading data, per minute" description="for each of its people and apps" min={1} max={1_000_000} allowDecimal={false} thousandSeparator="," placeholder="Default" {...form.getInputProps('read')} />
            <NumberInput label="Changing data, per minute" description="for each of its people and apps" min={1} max={1_000_000} allowDecimal={false} thousandSeparator="," placeholder="Default" {...form.getInputProps('write')} />
            <NumberInput label="All requests, per minute" description="all its people and apps together" min={1} max={1_000_000} allowDecimal={false} thousandSeparator="," placeholder="Default" {...form.getInputProps('partner')} />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <NumberInput label="Requests per day" description="counted from midnight UTC" min={1} max={1_000_000_000} allowDecimal={false} thousandSeparator="," placeholder="No daily limit" {...form.getInputProps('daily')} />
            <NumberInput label="Requests per month" description="counted from the first of the month, UTC" min={1} max={30_000_000_000} allowDecimal={false} thousandSeparator="," placeholder="No monthly limit" {...form.getInputProps('monthly')} />
          </SimpleGrid>
          <ErrorAlert error={save.error} title="The limits were not saved" />
          <Group>
            <Button type="submit" loading={save.busy}>
              Save limits
            </Button>
            {limits && (
              <Button variant="default" onClick={() => void save.run(null)} disabled={save.busy}>
                Use the platform&apos;s defaults
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
