/**
 * Operator: the plan catalog (features, limits, price, who each plan is for) and which plans each
 * wholesale partner may offer, with the lowest and highest price it may charge.
 */
import { useState } from 'react';
import { Badge, Button, Card, Group, Modal, MultiSelect, NumberInput, Select, SimpleGrid, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { BarChart } from '@mantine/charts';
import { IconPlus } from '@tabler/icons-react';
import { api } from '../../api/index.ts';
import { plansApi, SEGMENT_LABELS, type PlanDto, type PlanInput, type Segment } from '../../api/plans.ts';
import { formatMoney } from '../../components/format.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { required, useApiForm } from '../../query/form.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { featureInWords, limitInWords } from './planWords.ts';
import { PartnerPlanOffers } from './PartnerPlanOffers.tsx';
import { partnerKeys } from '../../api/keys/partners.ts';
import { planKeys } from '../../api/keys/plans.ts';

const SEGMENT_OPTIONS = (Object.keys(SEGMENT_LABELS) as Segment[]).map((s) => ({ value: s, label: SEGMENT_LABELS[s] }));

export function PlanCatalogPage() {
  const catalog = useApiQuery(planKeys.catalog, () => plansApi.catalog());
  const [adding, setAdding] = useState(false);
  const plans = catalog.data?.data ?? [];
  return (
    <>
      <PageHeader
        title="Plans"
        description="The plans partners can offer their customers: what each includes, its list price, and which kind of customer it is for."
        actions={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)}>
            Add a plan
          </Button>
        }
      />
      <ErrorAlert error={catalog.error} />
      <DataTable
        testId="plan-catalog"
        records={plans}
        rowKey={(p) => p.id}
        loading={catalog.loading}
        empty="No plans yet. Add the first one."
        rowProps={(p) => ({ 'data-plan': p.name })}
        columns={[
          {
            key: 'name',
            title: 'Plan',
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
          { key: 'price', title: 'List price', sortValue: (p) => p.price_minor, render: (p) => `${formatMoney(p.price_minor, p.currency)} a month` },
          { key: 'for', title: 'For', render: (p) => p.segments.map((s) => SEGMENT_LABELS[s as Segment] ?? s).join(', ') },
          { key: 'includes', title: 'Includes', render: (p) => <Includes plan={p} /> },
          { key: 'grace', title: 'Unpaid grace', render: (p) => `${p.grace_days} days` },
          { key: 'status', title: 'Status', style: { whiteSpace: 'nowrap' }, render: (p) => <StatusBadge status={p.status === 'retired' ? 'closed' : 'active'} /> },
        ]}
      />
      {plans.length > 1 && (
        <Card withBorder mt="md">
          <Title order={4} mb="sm">
            List prices compared
          </Title>
          <BarChart h={180} data={plans.map((p) => ({ plan: p.name, price: p.price_minor / 100 }))} dataKey="plan" series={[{ name: 'price', label: 'Monthly price', color: 'blue.6' }]} valueFormatter={(v) => v.toFixed(2)} />
        </Card>
      )}
      <PartnerOffers plans={plans} />
      <Modal opened={adding} onClose={() => setAdding(false)} title="Add a plan" size="lg">
        <PlanForm onDone={() => setAdding(false)} />
      </Modal>
    </>
  );
}

function Includes({ plan }: { plan: PlanDto }) {
  return (
    <Group gap={4}>
      {plan.features.map((f) => (
        <Badge key={f} variant="light" size="sm">
          {featureInWords(f)}
        </Badge>
      ))}
      {Object.entries(plan.limits).map(([k, v]) => (
        <Text key={k} size="xs" c="dimmed">
          up to {limitInWords(k, v)}
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
  const create = useApiMutation((body: PlanInput) => plansApi.create(body), { success: (p) => `${p.name} added.`, onDone });
  const form = useApiForm<Draft>(
    {
      initialValues: { name: '', description: '', price: '', currency: 'EUR', segments: [], grace_days: 14, features: '', users: 10, api_requests_per_day: 10000, terms: '' },
      validate: {
        name: (v) => required(v, 'Name the plan.'),
        price: (v) => (v === '' ? 'Enter the monthly price.' : Number(v) < 0 ? 'The price cannot be negative.' : undefined),
        segments: (v) => required(v, 'Choose at least one kind of customer.'),
        terms: (v) => required(v, 'Write the terms customers accept when they sign.'),
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
        <TextInput label="Name" withAsterisk {...form.getInputProps('name')} />
        <TextInput label="Description" {...form.getInputProps('description')} />
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <NumberInput label="Monthly price" withAsterisk min={0} max={1_000_000} decimalScale={2} fixedDecimalScale {...form.getInputProps('price')} />
          <TextInput label="Currency" description="3 letters, e.g. EUR" {...form.getInputProps('currency')} />
          <NumberInput label="Days of grace for unpaid invoices" min={0} max={90} {...form.getInputProps('grace_days')} />
        </SimpleGrid>
        <MultiSelect label="For" description="Which customers may take this plan" data={SEGMENT_OPTIONS} withAsterisk {...form.getInputProps('segments')} />
        <TextInput label="Features" description="Separated by commas, e.g. voice, data, support" {...form.getInputProps('features')} />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <NumberInput label="Users at most" min={0} max={1_000_000_000} {...form.getInputProps('users')} />
          <NumberInput label="API requests a day at most" min={0} max={1_000_000_000} {...form.getInputProps('api_requests_per_day')} />
        </SimpleGrid>
        <Textarea label="Terms" description="The exact text a customer accepts when signing" withAsterisk autosize minRows={3} {...form.getInputProps('terms')} />
        <ErrorAlert error={create.error} labels={{ price_minor: 'Monthly price', grace_days: 'Days of grace', segments: 'For' }} />
        <Group justify="flex-end">
          <Button type="submit" loading={create.busy}>
            Add the plan
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Which plans one wholesale partner may offer, and the price range it may charge. */
function PartnerOffers({ plans }: { plans: PlanDto[] }) {
  const partners = useApiQuery(partnerKeys.list({ capability: 'wholesale', status: 'active', limit: 100 }), () => api.partners.list({ capability: 'wholesale', status: 'active', limit: 100 }));
  const [partnerId, setPartnerId] = useState<string | null>(null);
  const partnerName = partners.data?.data.find((p) => p.id === partnerId)?.name;
  return (
    <Card withBorder mt="md">
      <Title order={4}>Plans partners may offer</Title>
      <Text size="sm" c="dimmed" mb="sm">
        Choose a partner to see and change which plans it may sell, and the lowest and highest monthly price it may charge. The same is on each partner&apos;s configuration page.
      </Text>
      <Select
        label="Partner"
        placeholder="Choose a partner"
        data={(partners.data?.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
        value={partnerId}
        onChange={setPartnerId}
        searchable
        w={280}
        mb="sm"
        data-testid="offer-partner"
      />
      {partnerId && <PartnerPlanOffers partnerId={partnerId} partnerName={partnerName ?? 'This partner'} plans={plans} />}
    </Card>
  );
}
