/**
 * Operator: the plan catalog (features, limits, price, who each plan is for) and which plans each
 * wholesale partner may offer, with the lowest and highest price it may charge.
 */
import { useState } from 'react';
import { Badge, Button, Card, Group, Modal, MultiSelect, NumberInput, Select, SimpleGrid, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { BarChart } from '@mantine/charts';
import { IconPlus } from '@tabler/icons-react';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';
import { api } from '../../api/index.ts';
import { plansApi, type PlanDto, type PlanInput, type Segment } from '../../api/plans.ts';
import { formatMoney } from '../../components/format.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { required, useApiForm } from '../../query/form.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { featureInWords, limitInWords, SEGMENTS, segmentLabel } from './planWords.ts';
import { PartnerPlanOffers } from './PartnerPlanOffers.tsx';
import { partnerKeys } from '../../api/keys/partners.ts';
import { planKeys } from '../../api/keys/plans.ts';

const msg = defineMessages({
  pageTitle: { id: 'plans.catalog.title', defaultMessage: 'Plans' },
  pageDescription: {
    id: 'plans.catalog.description',
    defaultMessage: 'The plans partners can offer their customers: what each includes, its list price, and which kind of customer it is for.',
  },
  add: { id: 'plans.catalog.add', defaultMessage: 'Add a plan' },
  empty: { id: 'plans.catalog.empty', defaultMessage: 'No plans yet. Add the first one.' },
  plan: { id: 'plans.catalog.column.plan', defaultMessage: 'Plan' },
  listPrice: { id: 'plans.catalog.column.list_price', defaultMessage: 'List price' },
  perMonth: { id: 'plans.catalog.per_month', defaultMessage: '{price} a month' },
  forWhom: { id: 'plans.catalog.column.for', defaultMessage: 'For' },
  includes: { id: 'plans.catalog.column.includes', defaultMessage: 'Includes' },
  grace: { id: 'plans.catalog.column.grace', defaultMessage: 'Unpaid grace' },
  graceDays: { id: 'plans.catalog.grace_days', defaultMessage: '{count, plural, one {# day} other {# days}}' },
  status: { id: 'plans.catalog.column.status', defaultMessage: 'Status' },
  monthlyPrice: { id: 'plans.catalog.monthly_price', defaultMessage: 'Monthly price' },
  upTo: { id: 'plans.catalog.up_to', defaultMessage: 'up to {limit}' },
  added: { id: 'plans.catalog.added', defaultMessage: '{plan} added.' },
  nameRequired: { id: 'plans.catalog.form.name_required', defaultMessage: 'Name the plan.' },
  priceRequired: { id: 'plans.catalog.form.price_required', defaultMessage: 'Enter the monthly price.' },
  priceNegative: { id: 'plans.catalog.form.price_negative', defaultMessage: 'The price cannot be negative.' },
  segmentsRequired: { id: 'plans.catalog.form.segments_required', defaultMessage: 'Choose at least one kind of customer.' },
  termsRequired: { id: 'plans.catalog.form.terms_required', defaultMessage: 'Write the terms customers accept when they sign.' },
  name: { id: 'plans.catalog.form.name', defaultMessage: 'Name' },
  descriptionField: { id: 'plans.catalog.form.description', defaultMessage: 'Description' },
  currency: { id: 'plans.catalog.form.currency', defaultMessage: 'Currency' },
  currencyDescription: { id: 'plans.catalog.form.currency.description', defaultMessage: '3 letters, e.g. EUR' },
  graceField: { id: 'plans.catalog.form.grace_days', defaultMessage: 'Days of grace for unpaid invoices' },
  forDescription: { id: 'plans.catalog.form.for.description', defaultMessage: 'Which customers may take this plan' },
  features: { id: 'plans.catalog.form.features', defaultMessage: 'Features' },
  featuresDescription: { id: 'plans.catalog.form.features.description', defaultMessage: 'Separated by commas, e.g. voice, data, support' },
  users: { id: 'plans.catalog.form.users', defaultMessage: 'Users at most' },
  apiRequests: { id: 'plans.catalog.form.api_requests', defaultMessage: 'API requests a day at most' },
  terms: { id: 'plans.catalog.form.terms', defaultMessage: 'Terms' },
  termsDescription: { id: 'plans.catalog.form.terms.description', defaultMessage: 'The exact text a customer accepts when signing' },
  graceLabel: { id: 'plans.catalog.form.grace_label', defaultMessage: 'Days of grace' },
  partner: { id: 'plans.catalog.offers.partner', defaultMessage: 'Partner' },
  choosePartner: { id: 'plans.catalog.offers.choose_partner', defaultMessage: 'Choose a partner' },
  thisPartner: { id: 'plans.catalog.offers.this_partner', defaultMessage: 'This partner' },
});

export function PlanCatalogPage() {
  const intl = useIntl();
  const catalog = useApiQuery(planKeys.catalog, () => plansApi.catalog());
  const [adding, setAdding] = useState(false);
  const plans = catalog.data?.data ?? [];
  return (
    <>
      <PageHeader
        title={intl.formatMessage(msg.pageTitle)}
        description={intl.formatMessage(msg.pageDescription)}
        actions={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)}>
            <FormattedMessage {...msg.add} />
          </Button>
        }
      />
      <ErrorAlert error={catalog.error} />
      <DataTable
        testId="plan-catalog"
        records={plans}
        rowKey={(p) => p.id}
        loading={catalog.loading}
        empty={intl.formatMessage(msg.empty)}
        rowProps={(p) => ({ 'data-plan': p.name })}
        columns={[
          {
            key: 'name',
            title: intl.formatMessage(msg.plan),
            mobile: 'title',
            render: (p) => (
              <>
                <Text fw={500}>{p.name}</Text>
                <Text size="xs" c="dimmed">
                  {p.description}
                </Text>
              </>
            ),
          },
          {
            key: 'price',
            title: intl.formatMessage(msg.listPrice),
            sortValue: (p) => p.price_minor,
            render: (p) => intl.formatMessage(msg.perMonth, { price: formatMoney(p.price_minor, p.currency) }),
          },
          { key: 'for', title: intl.formatMessage(msg.forWhom), render: (p) => intl.formatList(p.segments.map((s) => segmentLabel(intl, s as Segment)), { type: 'unit' }) },
          { key: 'includes', title: intl.formatMessage(msg.includes), render: (p) => <Includes plan={p} /> },
          { key: 'grace', title: intl.formatMessage(msg.grace), render: (p) => intl.formatMessage(msg.graceDays, { count: p.grace_days }) },
          { key: 'status', title: intl.formatMessage(msg.status), style: { whiteSpace: 'nowrap' }, render: (p) => <StatusBadge status={p.status === 'retired' ? 'closed' : 'active'} /> },
        ]}
      />
      {plans.length > 1 && (
        <Card withBorder mt="md">
          <Title order={3} size="h4" mb="sm">
            <FormattedMessage id="plans.catalog.chart.title" defaultMessage="List prices compared" />
          </Title>
          <BarChart h={180} data={plans.map((p) => ({ plan: p.name, price: p.price_minor / 100 }))} dataKey="plan" series={[{ name: 'price', label: intl.formatMessage(msg.monthlyPrice), color: 'blue.6' }]}
            valueFormatter={(v) => intl.formatNumber(v, { minimumFractionDigits: 2, maximumFractionDigits: 2 })}
          />
        </Card>
      )}
      <PartnerOffers plans={plans} />
      <Modal opened={adding} onClose={() => setAdding(false)} title={intl.formatMessage(msg.add)} size="lg">
        <PlanForm onDone={() => setAdding(false)} />
      </Modal>
    </>
  );
}

function Includes({ plan }: { plan: PlanDto }) {
  const intl = useIntl();
  return (
    <Group gap={4}>
      {plan.features.map((f) => (
        <Badge key={f} variant="light" size="sm">
          {featureInWords(f)}
        </Badge>
      ))}
      {Object.entries(plan.limits).map(([k, v]) => (
        <Text key={k} size="xs" c="dimmed">
          {intl.formatMessage(msg.upTo, { limit: limitInWords(intl, k, v) })}
        </Text>
      ))}
    </Group>
  );
}

interface Draft {
  name: string;
  description: string;
  price: number | string;
  currency: string;
  segments: string[];
  grace_days: number | string;
  features: string;
  users: number | string;
  api_requests_per_day: number | string;
  terms: string;
}

function PlanForm({ onDone }: { onDone(): void }) {
  const intl = useIntl();
  const create = useApiMutation((body: PlanInput) => plansApi.create(body), { success: (p) => intl.formatMessage(msg.added, { plan: p.name }), onDone });
  const form = useApiForm<Draft>(
    {
      initialValues: { name: '', description: '', price: '', currency: 'EUR', segments: [], grace_days: 14, features: '', users: 10, api_requests_per_day: 10000, terms: '' },
      validate: {
        name: (v) => required(v, intl.formatMessage(msg.nameRequired)),
        price: (v) => (v === '' ? intl.formatMessage(msg.priceRequired) : Number(v) < 0 ? intl.formatMessage(msg.priceNegative) : undefined),
        segments: (v) => required(v, intl.formatMessage(msg.segmentsRequired)),
        terms: (v) => required(v, intl.formatMessage(msg.termsRequired)),
      },
    },
    create,
    { resetWhen: true },
  );
  return (
    <form
      noValidate
      onSubmit={form.submit((v) =>
        create.run({
          name: v.name.trim(),
          description: v.description.trim(),
          price_minor: Math.round(Number(v.price) * 100),
          currency: v.currency.trim().toUpperCase(),
          segments: v.segments as Segment[],
          grace_days: Number(v.grace_days),
          features: v.features
            .split(',')
            .map((f) => f.trim().toLowerCase().replace(/\s+/g, '_'))
            .filter(Boolean),
          limits: { users: Number(v.users), api_requests_per_day: Number(v.api_requests_per_day) },
          terms: v.terms.trim(),
        }),
      )}
    >
      <Stack>
        <TextInput label={intl.formatMessage(msg.name)} withAsterisk {...form.getInputProps('name')} />
        <TextInput label={intl.formatMessage(msg.descriptionField)} {...form.getInputProps('description')} />
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <NumberInput label={intl.formatMessage(msg.monthlyPrice)} withAsterisk min={0} max={1_000_000} decimalScale={2} fixedDecimalScale {...form.getInputProps('price')} />
          <TextInput label={intl.formatMessage(msg.currency)} description={intl.formatMessage(msg.currencyDescription)} {...form.getInputProps('currency')} />
          <NumberInput label={intl.formatMessage(msg.graceField)} min={0} max={90} {...form.getInputProps('grace_days')} />
        </SimpleGrid>
        <MultiSelect
          label={intl.formatMessage(msg.forWhom)}
          description={intl.formatMessage(msg.forDescription)}
          data={SEGMENTS.map((s) => ({ value: s, label: segmentLabel(intl, s) }))} withAsterisk {...form.getInputProps('segments')} />
        <TextInput label={intl.formatMessage(msg.features)} description={intl.formatMessage(msg.featuresDescription)} {...form.getInputProps('features')} />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <NumberInput label={intl.formatMessage(msg.users)} min={0} max={1_000_000_000} {...form.getInputProps('users')} />
          <NumberInput label={intl.formatMessage(msg.apiRequests)} min={0} max={1_000_000_000} {...form.getInputProps('api_requests_per_day')} />
        </SimpleGrid>
        <Textarea label={intl.formatMessage(msg.terms)} description={intl.formatMessage(msg.termsDescription)} withAsterisk autosize minRows={3} {...form.getInputProps('terms')} />
        <ErrorAlert error={create.error} labels={{ price_minor: intl.formatMessage(msg.monthlyPrice), grace_days: intl.formatMessage(msg.graceLabel), segments: intl.formatMessage(msg.forWhom) }} />
        <Group justify="flex-end">
          <Button type="submit" loading={create.busy}>
            <FormattedMessage id="plans.catalog.form.submit" defaultMessage="Add the plan" />
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Which plans one wholesale partner may offer, and the price range it may charge. */
function PartnerOffers({ plans }: { plans: PlanDto[] }) {
  const intl = useIntl();
  const partners = useApiQuery(partnerKeys.list({ capability: 'wholesale', status: 'active', limit: 100 }), () => api.partners.list({ capability: 'wholesale', status: 'active', limit: 100 }));
  const [partnerId, setPartnerId] = useState<string | null>(null);
  const partnerName = partners.data?.data.find((p) => p.id === partnerId)?.name;
  return (
    <Card withBorder mt="md">
      <Title order={3} size="h4">
        <FormattedMessage id="plans.catalog.offers.title" defaultMessage="Plans partners may offer" />
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        <FormattedMessage
          id="plans.catalog.offers.description"
          defaultMessage="Choose a partner to see and change which plans it may sell, and the lowest and highest monthly price it may charge. The same is on each partner's configuration page."
        />
      </Text>
      <Select
        label={intl.formatMessage(msg.partner)}
        placeholder={intl.formatMessage(msg.choosePartner)}
        data={(partners.data?.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
        value={partnerId}
        onChange={setPartnerId}
        searchable
        w={280}
        mb="sm"
        data-testid="offer-partner"
      />
      {partnerId && <PartnerPlanOffers partnerId={partnerId} partnerName={partnerName ?? intl.formatMessage(msg.thisPartner)} plans={plans} />}
    </Card>
  );
}
