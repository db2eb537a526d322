/**
 * Operator: the plans one partner may offer and the price range it may charge — allow a plan, stop
 * allowing one. Shown on the plan catalog (pick a partner) and in the partner's own configuration.
 */
import { useState } from 'react';
import { Button, Group, Modal, NumberInput, Select, SimpleGrid, Stack, Text } from '@mantine/core';
import { FormattedMessage, useIntl } from 'react-intl';
import { plansApi, type PartnerPlanDto, type PlanDto } from '../../api/plans.ts';
import { defineMessages } from '../../i18n/define.ts';
import { formatMoney } from '../../components/format.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { required, useApiForm } from '../../query/form.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { planKeys } from '../../api/keys/plans.ts';

const msg = defineMessages({
  revoked: { id: 'plans.offers.revoked', defaultMessage: 'The partner can no longer offer this plan.' },
  empty: { id: 'plans.offers.empty', defaultMessage: '{partner} may not offer any plan yet.' },
  plan: { id: 'plans.offers.column.plan', defaultMessage: 'Plan' },
  range: { id: 'plans.offers.column.range', defaultMessage: 'Allowed price' },
  rangeValue: { id: 'plans.offers.range', defaultMessage: '{min} – {max}' },
  price: { id: 'plans.offers.column.price', defaultMessage: "Partner's price" },
  shown: { id: 'plans.offers.column.shown', defaultMessage: 'Shown to customers' },
  shownValue: { id: 'plans.offers.shown', defaultMessage: '{status, select, offered {Yes} revoked {No longer allowed} other {Not yet}}' },
  actions: { id: 'plans.offers.column.actions', defaultMessage: 'Actions' },
  stop: { id: 'plans.offers.stop', defaultMessage: 'Stop allowing' },
  dialogTitle: { id: 'plans.offers.dialog_title', defaultMessage: 'Let {partner} offer a plan' },
  allowed: { id: 'plans.offers.allowed', defaultMessage: 'Plan allowed.' },
  planRequired: { id: 'plans.offers.form.plan_required', defaultMessage: 'Choose a plan.' },
  minRequired: { id: 'plans.offers.form.min_required', defaultMessage: 'Enter the lowest price.' },
  maxRequired: { id: 'plans.offers.form.max_required', defaultMessage: 'Enter the highest price.' },
  maxBelowMin: { id: 'plans.offers.form.max_below_min', defaultMessage: 'The highest price must not be below the lowest.' },
  planOption: { id: 'plans.offers.form.plan_option', defaultMessage: '{plan} ({price})' },
  min: { id: 'plans.offers.form.min', defaultMessage: 'Lowest monthly price' },
  max: { id: 'plans.offers.form.max', defaultMessage: 'Highest monthly price' },
});

export function PartnerPlanOffers({ partnerId, partnerName, plans }: { partnerId: string; partnerName: string; plans: PlanDto[] }) {
  const intl = useIntl();
  const offers = useApiQuery(planKeys.offers(partnerId), () => plansApi.offers(partnerId));
  const [allowing, setAllowing] = useState(false);
  const revoke = useApiMutation((planId: string) => plansApi.revoke(partnerId, planId), { success: intl.formatMessage(msg.revoked), notifyError: true, invalidates: [planKeys.offers(partnerId)] });
  return (
    <Stack gap="sm">
      <Group justify="space-between" wrap="wrap">
        <Text size="sm" c="dimmed" style={{ flex: '1 1 240px' }}>
          <FormattedMessage
            id="plans.offers.description"
            defaultMessage="The plans {partner} may sell its customers, and the lowest and highest monthly price it may charge."
            values={{ partner: partnerName }}
          />
        </Text>
        <Button variant="light" onClick={() => setAllowing(true)} disabled={plans.length === 0}>
          <FormattedMessage id="plans.offers.allow_plan" defaultMessage="Allow a plan" />
        </Button>
      </Group>
      <DataTable<PartnerPlanDto>
        testId="partner-offers"
        records={offers.data?.data}
        loading={offers.loading}
        rowKey={(o) => o.plan_id}
        empty={intl.formatMessage(msg.empty, { partner: partnerName })}
        borderless
        columns={[
          { key: 'plan', title: intl.formatMessage(msg.plan), mobile: 'title', render: (o) => o.plan_name },
          {
            key: 'range',
            title: intl.formatMessage(msg.range),
            render: (o) => intl.formatMessage(msg.rangeValue, { min: formatMoney(o.min_price_minor, o.currency), max: formatMoney(o.max_price_minor, o.currency) }),
          },
          { key: 'price', title: intl.formatMessage(msg.price), render: (o) => formatMoney(o.price_minor, o.currency) },
          { key: 'status', title: intl.formatMessage(msg.shown), render: (o) => intl.formatMessage(msg.shownValue, { status: o.status }) },
          {
            key: 'actions',
            title: '',
            label: intl.formatMessage(msg.actions),
            mobile: 'footer',
            render: (o) =>
              o.status !== 'revoked' && (
                <Button size="xs" variant="subtle" color="red" onClick={() => void revoke.run(o.plan_id)}>
                  {intl.formatMessage(msg.stop)}
                </Button>
              ),
          },
        ]}
      />
      <Modal opened={allowing} onClose={() => setAllowing(false)} title={intl.formatMessage(msg.dialogTitle, { partner: partnerName })}>
        <AllowForm partnerId={partnerId} plans={plans} onDone={() => { setAllowing(false); offers.reload(); }} />
      </Modal>
    </Stack>
  );
}

function AllowForm({ partnerId, plans, onDone }: { partnerId: string; plans: PlanDto[]; onDone(): void }) {
  const intl = useIntl();
  const allow = useApiMutation((v: { plan: string; min: number; max: number }) => plansApi.allow(partnerId, v.plan, { min_price_minor: Math.round(v.min * 100), max_price_minor: Math.round(v.max * 100) }), { success: intl.formatMessage(msg.allowed), onDone });
  const form = useApiForm<{ plan: string; min: number | string; max: number | string }>(
    {
      initialValues: { plan: '', min: '', max: '' },
      validate: {
        plan: (v) => required(v, intl.formatMessage(msg.planRequired)),
        min: (v) => (v === '' ? intl.formatMessage(msg.minRequired) : undefined),
        max: (v, all) => (v === '' ? intl.formatMessage(msg.maxRequired) : Number(v) < Number(all.min) ? intl.formatMessage(msg.maxBelowMin) : undefined),
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
        <Select
          label={intl.formatMessage(msg.plan)}
          withAsterisk
          data={plans.filter((p) => p.status === 'active').map((p) => ({ value: p.id, label: intl.formatMessage(msg.planOption, { plan: p.name, price: formatMoney(p.price_minor, p.currency) }) }))} {...form.getInputProps('plan')} onChange={onPlan} />
        <SimpleGrid cols={2}>
          <NumberInput label={intl.formatMessage(msg.min)} min={0} decimalScale={2} fixedDecimalScale withAsterisk {...form.getInputProps('min')} />
          <NumberInput label={intl.formatMessage(msg.max)} min={0} decimalScale={2} fixedDecimalScale withAsterisk {...form.getInputProps('max')} />
        </SimpleGrid>
        <ErrorAlert error={allow.error} labels={{ min_price_minor: intl.formatMessage(msg.min), max_price_minor: intl.formatMessage(msg.max) }} />
        <Group justify="flex-end">
          <Button type="submit" loading={allow.busy}>
            <FormattedMessage id="plans.offers.form.submit" defaultMessage="Allow" />
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
