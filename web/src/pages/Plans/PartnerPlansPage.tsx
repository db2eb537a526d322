/**
 * Partner (wholesaler): the plans it offers and at what price, its customers with their segment,
 * verification and subscription, and the verification (KYC) requests waiting for its review.
 */
import { useState } from 'react';
import { Anchor, Badge, Button, Card, Drawer, Group, NumberInput, Select, Stack, Switch, Table, Tabs, Text } from '@mantine/core';
import { KYC_LABELS, plansApi, SEGMENT_LABELS, SUBSCRIPTION_LABELS, type KycCaseDto, type PartnerPlanDto, type PlanCustomerDto, type Segment } from '../../api/plans.ts';
import { formatMoney } from '../../components/format.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ReasonModal } from '../../components/ReasonModal.tsx';
import { formatDate, formatDateTime } from '../../components/format.ts';
import { allows } from '../../session/access.ts';
import { useView } from '../../session/useView.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { planKeys } from '../../api/keys/plans.ts';

const KYC_COLORS: Record<string, string> = { guest: 'gray', pending: 'yellow', submitted: 'yellow', verified: 'teal', rejected: 'red' };
const SUB_COLORS: Record<string, string> = { signing: 'yellow', signed: 'blue', active: 'teal', suspended: 'orange', cancelled: 'gray' };

export function KycBadge({ status }: { status: string }) {
  return (
    <Badge color={KYC_COLORS[status] ?? 'gray'} variant="light">
      {KYC_LABELS[status] ?? status}
    </Badge>
  );
}

export function SubscriptionBadge({ status }: { status: string }) {
  return (
    <Badge color={SUB_COLORS[status] ?? 'gray'} variant="light">
      {SUBSCRIPTION_LABELS[status] ?? status}
    </Badge>
  );
}

export function PartnerPlansPage() {
  const partner = useView().partner!;
  const owner = allows(partner, 'partner.delegations.manage');
  const waiting = useApiQuery(planKeys.kycCases(partner.partner_id, 'submitted'), () => plansApi.kycCases(partner.partner_id, 'submitted'));
  const count = waiting.data?.data.length ?? 0;
  const [tab, setTab] = useState<string | null>('customers');
  return (
    <>
      <PageHeader
        title="Plans and customers"
        description={`The plans ${partner.name} offers its customers, their subscriptions, and the identity checks waiting for your review.`}
        badge={
          count > 0 ? (
            <Badge color="yellow" data-testid="kyc-waiting-badge">
              {count} to review
            </Badge>
          ) : undefined
        }
      />
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="customers">Customers</Tabs.Tab>
          <Tabs.Tab
            value="kyc"
            rightSection={
              count > 0 ? (
                <Badge size="sm" color="yellow" circle>
                  {count}
                </Badge>
              ) : undefined
            }
          >
            Identity checks
          </Tabs.Tab>
          <Tabs.Tab value="offer">Plans you offer</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="customers">
          <Customers partnerId={partner.partner_id} owner={owner} />
        </Tabs.Panel>
        <Tabs.Panel value="kyc">
          <KycQueue partnerId={partner.partner_id} owner={owner} onChange={waiting.reload} />
        </Tabs.Panel>
        <Tabs.Panel value="offer">
          <Offer partnerId={partner.partner_id} owner={owner} />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

function Customers({ partnerId, owner }: { partnerId: string; owner: boolean }) {
  const list = useApiQuery(planKeys.customers(partnerId), () => plansApi.customers(partnerId));
  const segment = useApiMutation((tenantId: string, s: Segment) => plansApi.setSegment(partnerId, tenantId, s), { success: 'Customer type changed.', notifyError: true });
  const act = useApiMutation((id: string, action: 'activate' | 'suspend' | 'resume' | 'cancel', reason?: string) => plansApi.partnerAction(partnerId, id, action, reason), {
    success: (s) => `Subscription ${SUBSCRIPTION_LABELS[s.status]?.toLowerCase() ?? s.status}.`,
    notifyError: true,
    onDone: () => setSuspending(null),
  });
  const [suspending, setSuspending] = useState<PlanCustomerDto | null>(null);
  return (
    <>
      <ErrorAlert error={list.error} />
      <DataTable<PlanCustomerDto>
        testId="plan-customers"
        records={list.data?.data}
        loading={list.loading}
        rowKey={(c) => c.tenant_id}
        rowProps={(c) => ({ 'data-customer': c.name })}
        empty="No customers yet. Customers you provision under Resold customers appear here."
        columns={[
          { key: 'name', title: 'Customer', mobile: 'title', sortValue: (c) => c.name, render: (c) => <Text fw={500}>{c.name}</Text> },
          {
            key: 'segment',
            title: 'Customer type',
            render: (c) =>
              owner ? (
                <Select
                  size="xs"
                  w={170}
                  aria-label={`Customer type of ${c.name}`}
                  data={(Object.keys(SEGMENT_LABELS) as Segment[]).map((s) => ({ value: s, label: SEGMENT_LABELS[s] }))}
                  value={c.segment}
                  allowDeselect={false}
                  onChange={(v) => v && v !== c.segment && void segment.run(c.tenant_id, v as Segment)}
                />
              ) : (
                SEGMENT_LABELS[c.segment]
              ),
          },
          { key: 'kyc', title: 'Identity check', render: (c) => <KycBadge status={c.kyc_status} /> },
          {
            key: 'subscription',
            title: 'Subscription',
            render: (c) =>
              c.subscription ? (
                <Stack gap={2}>
                  <Group gap={6}>
                    <Text size="sm">{c.subscription.plan_name}</Text>
                    <SubscriptionBadge status={c.subscription.status} />
                  </Group>
                  <Text size="xs" c="dimmed">
                    {formatMoney(c.subscription.price_minor, c.subscription.currency)} a month
                    {c.subscription.signed_at ? ` · signed ${formatDate(c.subscription.signed_at)}` : ''}
                  </Text>
                  {c.subscription.suspension_reason && (
                    <Text size="xs" c="orange">
                      {c.subscription.suspension_kind === 'non_payment' ? 'Unpaid: ' : ''}
                      {c.subscription.suspension_reason}
                    </Text>
                  )}
                </Stack>
              ) : (
                <Text size="sm" c="dimmed">
                  None
                </Text>
              ),
          },
          {
            key: 'actions',
            title: '',
            mobile: 'footer',
            render: (c) => {
              const s = c.subscription;
              if (!owner || !s) return null;
              return (
                <Group gap={4}>
                  {s.status === 'signed' && (
                    <Button size="xs" onClick={() => void act.run(s.id, 'activate')}>
                      Start service
                    </Button>
                  )}
                  {s.status === 'active' && (
                    <Button size="xs" color="orange" variant="light" onClick={() => setSuspending(c)}>
                      Suspend
                    </Button>
                  )}
                  {s.status === 'suspended' && (
                    <Button size="xs" variant="light" onClick={() => void act.run(s.id, 'resume')}>
                      Resume
                    </Button>
                  )}
                </Group>
              );
            },
          },
        ]}
      />
      <ReasonModal
        opened={!!suspending}
        title={`Suspend ${suspending?.name ?? ''}`}
        message="The customer's service stops at once: their next request is refused until you resume the subscription."
        confirmLabel="Suspend"
        color="orange"
        reason="required"
        busy={act.busy}
        error={act.error}
        onClose={() => setSuspending(null)}
        onConfirm={(reason) => suspending?.subscription && void act.run(suspending.subscription.id, 'suspend', reason)}
      />
    </>
  );
}

function KycQueue({ partnerId, owner, onChange }: { partnerId: string; owner: boolean; onChange(): void }) {
  const list = useApiQuery(planKeys.kycCases(partnerId, 'all'), () => plansApi.kycCases(partnerId));
  const [open, setOpen] = useState<KycCaseDto | null>(null);
  return (
    <>
      <ErrorAlert error={list.error} />
      <DataTable<KycCaseDto>
        testId="kyc-cases"
        records={list.data?.data}
        loading={list.loading}
        rowKey={(k) => k.id}
        rowProps={(k) => ({ 'data-customer': k.tenant_name ?? '' })}
        empty="No identity checks yet. When a customer sends its details, they wait here for your review."
        defaultSort={{ key: 'status', direction: 'asc' }}
        columns={[
          { key: 'customer', title: 'Customer', mobile: 'title', render: (k) => <Text fw={500}>{k.tenant_name}</Text> },
          { key: 'kind', title: 'Checks', render: (k) => (k.kind === 'company' ? 'Company details' : 'Personal identity') },
          { key: 'sent', title: 'Sent', render: (k) => formatDateTime(k.submitted_at) },
          { key: 'status', title: 'Status', sortValue: (k) => (k.status === 'submitted' ? 0 : 1), render: (k) => <KycBadge status={k.status} /> },
          {
            key: 'open',
            title: '',
            mobile: 'footer',
            render: (k) =>
              owner && (
                <Button size="xs" variant={k.status === 'submitted' ? 'filled' : 'subtle'} onClick={() => setOpen(k)}>
                  {k.status === 'submitted' ? 'Review' : 'View'}
                </Button>
              ),
          },
        ]}
      />
      <Drawer opened={!!open} onClose={() => setOpen(null)} title={`Identity check of ${open?.tenant_name ?? ''}`} position="right" size="md">
        {open && <KycReview partnerId={partnerId} kyc={open} onDone={() => { setOpen(null); list.reload(); onChange(); }} />}
      </Drawer>
    </>
  );
}

const DETAIL_LABELS: Record<string, string> = {
  full_name: 'Full name',
  date_of_birth: 'Date of birth',
  id_number: 'ID document number',
  company_name: 'Company name',
  registration_number: 'Registration number',
  vat_number: 'VAT number',
  address: 'Address',
  country: 'Country',
};

function KycReview({ partnerId, kyc, onDone }: { partnerId: string; kyc: KycCaseDto; onDone(): void }) {
  const detail = useApiQuery(planKeys.kycCase(partnerId, kyc.id), () => plansApi.kycCase(partnerId, kyc.id));
  const review = useApiMutation((decision: 'verify' | 'reject', reason?: string) => plansApi.review(partnerId, kyc.id, { decision, reason }), {
    success: (k) => (k.status === 'verified' ? 'Customer verified.' : 'Check rejected; the customer sees your reason.'),
    onDone,
  });
  const [rejecting, setRejecting] = useState(false);
  const d = detail.data;
  return (
    <Stack>
      <ErrorAlert error={detail.error} />
      {d && (
        <>
          <Table>
            <Table.Tbody>
              {Object.entries(d.details).map(([k, v]) => (
                <Table.Tr key={k}>
                  <Table.Td c="dimmed">{DETAIL_LABELS[k] ?? k}</Table.Td>
                  <Table.Td>{v}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Card withBorder>
            <Text fw={500} mb={4}>
              Documents
            </Text>
            {d.documents.map((doc) => (
              <Anchor key={doc.id} href={plansApi.documentUrl(partnerId, kyc.id, doc.id)} download={doc.filename} display="block" size="sm">
                {doc.filename} ({Math.ceil(doc.size_bytes / 1024)} KB)
              </Anchor>
            ))}
          </Card>
          {kyc.status === 'submitted' ? (
            <Group>
              <Button color="teal" loading={review.busy} onClick={() => void review.run('verify')}>
                Verify
              </Button>
              <Button color="red" variant="light" onClick={() => setRejecting(true)}>
                Reject
              </Button>
            </Group>
          ) : (
            <Text size="sm">
              <KycBadge status={kyc.status} /> {kyc.reviewed_at ? `on ${formatDateTime(kyc.reviewed_at)}` : ''} {kyc.reason ? `— ${kyc.reason}` : ''}
            </Text>
          )}
          <ErrorAlert error={review.error} />
        </>
      )}
      <ReasonModal
        opened={rejecting}
        title="Reject the identity check"
        message="Say what the customer must correct; they see your reason and can send their details again."
        confirmLabel="Reject"
        color="red"
        reason="required"
        busy={review.busy}
        error={review.error}
        onClose={() => setRejecting(false)}
        onConfirm={(reason) => void review.run('reject', reason).then(() => setRejecting(false))}
      />
    </Stack>
  );
}

function Offer({ partnerId, owner }: { partnerId: string; owner: boolean }) {
  const list = useApiQuery(planKeys.offers(partnerId), () => plansApi.offers(partnerId));
  const save = useApiMutation((planId: string, body: { price_minor?: number; offered?: boolean }) => plansApi.setOffer(partnerId, planId, body), { success: 'Offer saved.', notifyError: true });
  const [prices, setPrices] = useState<Record<string, number | string>>({});
  return (
    <>
      <ErrorAlert error={list.error} />
      <DataTable<PartnerPlanDto>
        testId="plan-offer"
        records={list.data?.data.filter((o) => o.status !== 'revoked')}
        loading={list.loading}
        rowKey={(o) => o.plan_id}
        rowProps={(o) => ({ 'data-plan': o.plan_name })}
        empty="The operator has not allowed you any plan yet."
        columns={[
          { key: 'plan', title: 'Plan', mobile: 'title', render: (o) => <Text fw={500}>{o.plan_name}</Text> },
          { key: 'list', title: 'List price', render: (o) => formatMoney(o.list_price_minor, o.currency) },
          { key: 'range', title: 'You may charge', render: (o) => `${formatMoney(o.min_price_minor, o.currency)} – ${formatMoney(o.max_price_minor, o.currency)}` },
          {
            key: 'price',
            title: 'Your price',
            render: (o) =>
              owner ? (
                <Group gap={4} wrap="nowrap">
                  <NumberInput
                    size="xs"
                    w={110}
                    aria-label={`Your price for ${o.plan_name}`}
                    decimalScale={2}
                    fixedDecimalScale
                    min={0}
                    value={prices[o.plan_id] ?? o.price_minor / 100}
                    onChange={(v) => setPrices((p) => ({ ...p, [o.plan_id]: v }))}
                  />
                  {prices[o.plan_id] !== undefined && Math.round(Number(prices[o.plan_id]) * 100) !== o.price_minor && (
                    <Button size="xs" onClick={() => void save.run(o.plan_id, { price_minor: Math.round(Number(prices[o.plan_id]) * 100) })}>
                      Save
                    </Button>
                  )}
                </Group>
              ) : (
                formatMoney(o.price_minor, o.currency)
              ),
          },
          {
            key: 'offered',
            title: 'Shown to customers',
            render: (o) => <Switch aria-label={`Offer ${o.plan_name}`} checked={o.status === 'offered'} disabled={!owner} onChange={(e) => void save.run(o.plan_id, { offered: e.currentTarget.checked })} label={o.status === 'offered' ? 'Offered' : 'Hidden'} />,
          },
        ]}
      />
    </>
  );
}
