/**
 * Operator: the plans one partner may offer and the price range it may charge — allow a plan, stop
 * allowing one. Shown on the plan catalog (pick a partner) and in the partner's own configuration.
 */
import { useState } from 'react';
import { Button, Group, Modal, NumberInput, Select, SimpleGrid, Stack, Text } from '@mantine/core';
import { plansApi, type PartnerPlanDto, type PlanDto } from '../../api/plans.ts';
import { formatMoney } from '../../components/format.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { required, useApiForm } from '../../query/form.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { planKeys } from '../../api/keys/plans.ts';

export function PartnerPlanOffers({ partnerId, partnerName, plans }: { partnerId: string; partnerName: string; plans: PlanDto[] }) {
  const offers = useApiQuery(planKeys.offers(partnerId), () => plansApi.offers(partnerId));
  const [allowing, setAllowing] = useState(false);
  const revoke = useApiMutation((planId: string) => plansApi.revoke(partnerId, planId), { success: 'The partner can no longer offer this plan.', notifyError: true, invalidates: [planKeys.offers(partnerId)] });
  return (
    <Stack gap="sm">
      <Group justify="space-between" wrap="wrap">
        <Text size="sm" c="dimmed" style={{ flex: '1 1 240px' }}>
          The plans {partnerName} may sell its customers, and the lowest and highest monthly price it may charge.
        </Text>
        <Button variant="light" onClick={() => setAllowing(true)} disabled={plans.length === 0}>
          Allow a plan
        </Button>
      </Group>
      <DataTable<PartnerPlanDto>
        testId="partner-offers"
        records={offers.data?.data}
        loading={offers.loading}
        rowKey={(o) => o.plan_id}
        empty={`${partnerName} may not offer any plan yet.`}
        borderless
        columns={[
          { key: 'plan', title: 'Plan', mobile: 'title', render: (o) => o.plan_name },
          { key: 'range', title: 'Allowed price', render: (o) => `${formatMoney(o.min_price_minor, o.currency)} – ${formatMoney(o.max_price_minor, o.currency)}` },
          { key: 'price', title: "Partner's price", render: (o) => formatMoney(o.price_minor, o.currency) },
          { key: 'status', title: 'Shown to customers', render: (o) => (o.status === 'offered' ? 'Yes' : o.status === 'revoked' ? 'No longer allowed' : 'Not yet') },
          {
            key: 'actions',
            title: '',
            label: 'Actions',
            mobile: 'footer',
            render: (o) =>
              o.status !== 'revoked' && (
                <Button size="xs" variant="subtle" color="red" onClick={() => void revoke.run(o.plan_id)}>
                  Stop allowing
                </Button>
              ),
          },
        ]}
      />
      <Modal opened={allowing} onClose={() => setAllowing(false)} title={`Let ${partnerName} offer a plan`}>
        <AllowForm partnerId={partnerId} plans={plans} onDone={() => { setAllowing(false); offers.reload(); }} />
      </Modal>
    </Stack>
  );
}

function AllowForm({ partnerId, plans, onDone }: { partnerId: string; plans: PlanDto[]; onDone(): void }) {
  const allow = useApiMutation((v: { plan: string; min: number; max: number }) => plansApi.allow(partnerId, v.plan, { min_price_minor: Math.round(v.min * 100), max_price_minor: Math.round(v.max * 100) }), { success: 'Plan allowed.', onDone });
  const form = useApiForm<{ plan: string; min: number | string; max: number | string }>(
    {
      initialValues: { plan: '', min: '', max: '' },
      validate: {
        plan: (v) => required(v, 'Choose a plan.'),
        min: (v) => (v === '' ? 'Enter the lowest price.' : undefined),
        max: (v, all) => (v === '' ? 'Enter the highest price.' : Number(v) < Number(all.min) ? 'The highest price must not be below the lowest.' : undefined),
      },
    },
    allow,
    { resetWhen: true },
  );
  const onPlan = (id: string | null) => {
    const p = plans.find((x) => x.id === id);
    form.setFieldValue('plan', id ?? '');
    if (p) {
      form.setFieldValue('min', (p.price_minor * 0.8) / 100);
      form.setFieldValue('max', (p.price_minor * 1.5) / 100);
    }
  };
  return (
    <form noValidate onSubmit={form.submit((v) => allow.run({ plan: v.plan, min: Number(v.min), max: Number(v.max) }))}>
      <Stack>
        <Select label="Plan" withAsterisk data={plans.filter((p) => p.status === 'active').map((p) => ({ value: p.id, label: `${p.name} (${formatMoney(p.price_minor, p.currency)})` }))} {...form.getInputProps('plan')} onChange={onPlan} />
        <SimpleGrid cols={2}>
          <NumberInput label="Lowest monthly price" min={0} decimalScale={2} fixedDecimalScale withAsterisk {...form.getInputProps('min')} />
          <NumberInput label="Highest monthly price" min={0} decimalScale={2} fixedDecimalScale withAsterisk {...form.getInputProps('max')} />
        </SimpleGrid>
        <ErrorAlert error={allow.error} labels={{ min_price_minor: 'Lowest monthly price', max_price_minor: 'Highest monthly price' }} />
        <Group justify="flex-end">
          <Button type="submit" loading={allow.busy}>
            Allow
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
