/**
 * Partner (wholesaler): the plans it offers and at what price, its customers with their segment,
 * verification and subscription, and the verification (KYC) requests waiting for its review.
 */
import { useState } from 'react';
import { Anchor, Badge, Button, Card, Drawer, Group, NumberInput, Select, Stack, Switch, Table, Tabs, Text } from '@mantine/core';
import { FormattedMessage, useIntl } from 'react-intl';
import { plansApi, type KycCaseDto, type PartnerPlanDto, type PlanCustomerDto, type Segment } from '../../api/plans.ts';
import { defineMessages } from '../../i18n/define.ts';
import { kycLabel, SEGMENTS, segmentLabel, subscriptionLabel } from './planWords.ts';
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

const msg = defineMessages({
  title: { id: 'plans.partner.title', defaultMessage: 'Plans and customers' },
  description: {
    id: 'plans.partner.description',
    defaultMessage: 'The plans {partner} offers its customers, their subscriptions, and the identity checks waiting for your review.',
  },
  toReview: { id: 'plans.partner.to_review', defaultMessage: '{count} to review' },
  tabCustomers: { id: 'plans.partner.tab.customers', defaultMessage: 'Customers' },
  tabKyc: { id: 'plans.partner.tab.kyc', defaultMessage: 'Identity checks' },
  tabOffer: { id: 'plans.partner.tab.offer', defaultMessage: 'Plans you offer' },
  segmentChanged: { id: 'plans.partner.customers.segment_changed', defaultMessage: 'Customer type changed.' },
  subscriptionNow: {
    id: 'plans.partner.customers.subscription_now',
    defaultMessage:
      '{status, select, signing {Subscription waiting for signature.} signed {Subscription signed, starting soon.} active {Subscription active.} suspended {Subscription suspended.} cancelled {Subscription cancelled.} other {Subscription {status}.}}',
  },
  customersEmpty: { id: 'plans.partner.customers.empty', defaultMessage: 'No customers yet. Customers you provision under Resold customers appear here.' },
  customer: { id: 'plans.partner.column.customer', defaultMessage: 'Customer' },
  segment: { id: 'plans.partner.column.segment', defaultMessage: 'Customer type' },
  segmentOf: { id: 'plans.partner.customers.segment_of', defaultMessage: 'Customer type of {customer}' },
  kyc: { id: 'plans.partner.column.kyc', defaultMessage: 'Identity check' },
  subscription: { id: 'plans.partner.column.subscription', defaultMessage: 'Subscription' },
  none: { id: 'plans.partner.customers.no_subscription', defaultMessage: 'None' },
  startService: { id: 'plans.partner.customers.start_service', defaultMessage: 'Start service' },
  suspend: { id: 'plans.partner.customers.suspend', defaultMessage: 'Suspend' },
  resume: { id: 'plans.partner.customers.resume', defaultMessage: 'Resume' },
  suspendTitle: { id: 'plans.partner.customers.suspend_title', defaultMessage: 'Suspend {customer}' },
  suspendMessage: {
    id: 'plans.partner.customers.suspend_message',
    defaultMessage: "The customer's service stops at once: their next request is refused until you resume the subscription.",
  },
  kycEmpty: { id: 'plans.partner.kyc.empty', defaultMessage: 'No identity checks yet. When a customer sends its details, they wait here for your review.' },
  checks: { id: 'plans.partner.kyc.column.checks', defaultMessage: 'Checks' },
  company: { id: 'plans.partner.kyc.kind.company', defaultMessage: 'Company details' },
  personal: { id: 'plans.partner.kyc.kind.personal', defaultMessage: 'Personal identity' },
  sent: { id: 'plans.partner.kyc.column.sent', defaultMessage: 'Sent' },
  status: { id: 'plans.partner.kyc.column.status', defaultMessage: 'Status' },
  review: { id: 'plans.partner.kyc.review', defaultMessage: 'Review' },
  view: { id: 'plans.partner.kyc.view', defaultMessage: 'View' },
  drawerTitle: { id: 'plans.partner.kyc.drawer_title', defaultMessage: 'Identity check of {customer}' },
  verified: { id: 'plans.partner.kyc.verified', defaultMessage: 'Customer verified.' },
  rejected: { id: 'plans.partner.kyc.rejected', defaultMessage: 'Check rejected; the customer sees your reason.' },
  verify: { id: 'plans.partner.kyc.verify', defaultMessage: 'Verify' },
  reject: { id: 'plans.partner.kyc.reject', defaultMessage: 'Reject' },
  rejectTitle: { id: 'plans.partner.kyc.reject_title', defaultMessage: 'Reject the identity check' },
  rejectMessage: {
    id: 'plans.partner.kyc.reject_message',
    defaultMessage: 'Say what the customer must correct; they see your reason and can send their details again.',
  },
  offerSaved: { id: 'plans.partner.offer.saved', defaultMessage: 'Offer saved.' },
  offerEmpty: { id: 'plans.partner.offer.empty', defaultMessage: 'The operator has not allowed you any plan yet.' },
  plan: { id: 'plans.partner.offer.column.plan', defaultMessage: 'Plan' },
  listPrice: { id: 'plans.partner.offer.column.list_price', defaultMessage: 'List price' },
  range: { id: 'plans.partner.offer.column.range', defaultMessage: 'You may charge' },
  rangeValue: { id: 'plans.partner.offer.range', defaultMessage: '{min} – {max}' },
  yourPrice: { id: 'plans.partner.offer.column.your_price', defaultMessage: 'Your price' },
  yourPriceFor: { id: 'plans.partner.offer.your_price_for', defaultMessage: 'Your price for {plan}' },
  save: { id: 'plans.partner.offer.save', defaultMessage: 'Save' },
  shown: { id: 'plans.partner.offer.column.shown', defaultMessage: 'Shown to customers' },
  offerAria: { id: 'plans.partner.offer.offer_aria', defaultMessage: 'Offer {plan}' },
  offered: { id: 'plans.partner.offer.offered', defaultMessage: 'Offered' },
  hidden: { id: 'plans.partner.offer.hidden', defaultMessage: 'Hidden' },
});

const DETAIL_LABELS = defineMessages({
  full_name: { id: 'plans.partner.kyc.detail.full_name', defaultMessage: 'Full name' },
  date_of_birth: { id: 'plans.partner.kyc.detail.date_of_birth', defaultMessage: 'Date of birth' },
  id_number: { id: 'plans.partner.kyc.detail.id_number', defaultMessage: 'ID document number' },
  company_name: { id: 'plans.partner.kyc.detail.company_name', defaultMessage: 'Company name' },
  registration_number: { id: 'plans.partner.kyc.detail.registration_number', defaultMessage: 'Registration number' },
  vat_number: { id: 'plans.partner.kyc.detail.vat_number', defaultMessage: 'VAT number' },
  address: { id: 'plans.partner.kyc.detail.address', defaultMessage: 'Address' },
  country: { id: 'plans.partner.kyc.detail.country', defaultMessage: 'Country' },
});

const KYC_COLORS: Record<string, string> = { guest: 'gray', pending: 'yellow', submitted: 'yellow', verified: 'teal', rejected: 'red' };
const SUB_COLORS: Record<string, string> = { signing: 'yellow', signed: 'blue', active: 'teal', suspended: 'orange', cancelled: 'gray' };

export function KycBadge({ status }: { status: string }) {
  const intl = useIntl();
  return (
    <Badge color={KYC_COLORS[status] ?? 'gray'} variant="light">
      {kycLabel(intl, status)}
    </Badge>
  );
}

export function SubscriptionBadge({ status }: { status: string }) {
  const intl = useIntl();
  return (
    <Badge color={SUB_COLORS[status] ?? 'gray'} variant="light">
      {subscriptionLabel(intl, status)}
    </Badge>
  );
}

export function PartnerPlansPage() {
  const intl = useIntl();
  const partner = useView().partner!;
  const owner = allows(partner, 'partner.delegations.manage');
  const waiting = useApiQuery(planKeys.kycCases(partner.partner_id, 'submitted'), () => plansApi.kycCases(partner.partner_id, 'submitted'));
  const count = waiting.data?.data.length ?? 0;
  const [tab, setTab] = useState<string | null>('customers');
  return (
    <>
      <PageHeader
        title={intl.formatMessage(msg.title)}
        description={intl.formatMessage(msg.description, { partner: partner.name })}
        badge={
          count > 0 ? (
            <Badge color="yellow" data-testid="kyc-waiting-badge">
              {intl.formatMessage(msg.toReview, { count })}
            </Badge>
          ) : undefined
        }
      />
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="customers">{intl.formatMessage(msg.tabCustomers)}</Tabs.Tab>
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
            {intl.formatMessage(msg.tabKyc)}
          </Tabs.Tab>
          <Tabs.Tab value="offer">{intl.formatMessage(msg.tabOffer)}</Tabs.Tab>
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

/** A customer's subscription in the customers table: plan, state, price, why it is suspended. */
function SubscriptionCell({ customer: c }: { customer: PlanCustomerDto }) {
  const intl = useIntl();
  return c.subscription ? (
    <Stack gap={2}>
      <Group gap={6}>
        <Text size="sm">{c.subscription.plan_name}</Text>
        <SubscriptionBadge status={c.subscription.status} />
      </Group>
      <Text size="xs" c="dimmed">
        {c.subscription.signed_at ? (
          <FormattedMessage
            id="plans.partner.customers.price_signed"
            defaultMessage="{price} a month · signed {date}"
            values={{ price: formatMoney(c.subscription.price_minor, c.subscription.currency), date: formatDate(c.subscription.signed_at) }}
          />
        ) : (
          <FormattedMessage
            id="plans.partner.customers.price"
            defaultMessage="{price} a month"
            values={{ price: formatMoney(c.subscription.price_minor, c.subscription.currency) }}
          />
        )}
      </Text>
      {c.subscription.suspension_reason && (
        <Text size="xs" c="var(--mantine-color-orange-light-color)">
          {c.subscription.suspension_kind === 'non_payment' ? (
            <FormattedMessage id="plans.partner.customers.unpaid" defaultMessage="Unpaid: {reason}" values={{ reason: c.subscription.suspension_reason }} />
          ) : (
            c.subscription.suspension_reason
          )}
        </Text>
      )}
    </Stack>
  ) : (
    <Text size="sm" c="dimmed">
      {intl.formatMessage(msg.none)}
    </Text>
  );
}

function Customers({ partnerId, owner }: { partnerId: string; owner: boolean }) {
  const intl = useIntl();
  const list = useApiQuery(planKeys.customers(partnerId), () => plansApi.customers(partnerId));
  const segment = useApiMutation((tenantId: string, s: Segment) => plansApi.setSegment(partnerId, tenantId, s), { success: intl.formatMessage(msg.segmentChanged), notifyError: true });
  const act = useApiMutation((id: string, action: 'activate' | 'suspend' | 'resume' | 'cancel', reason?: string) => plansApi.partnerAction(partnerId, id, action, reason), {
    success: (s) => intl.formatMessage(msg.subscriptionNow, { status: s.status }),
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
        empty={intl.formatMessage(msg.customersEmpty)}
        columns={[
          { key: 'name', title: intl.formatMessage(msg.customer), mobile: 'title', sortValue: (c) => c.name, render: (c) => <Text fw={500}>{c.name}</Text> },
          {
            key: 'segment',
            title: intl.formatMessage(msg.segment),
            render: (c) =>
              owner ? (
                <Select
                  size="xs"
                  w={170}
                  aria-label={intl.formatMessage(msg.segmentOf, { customer: c.name })}
                  data={SEGMENTS.map((s) => ({ value: s, label: segmentLabel(intl, s) }))}
                  value={c.segment}
                  allowDeselect={false}
                  onChange={(v) => v && v !== c.segment && void segment.run(c.tenant_id, v as Segment)}
                />
              ) : (
                segmentLabel(intl, c.segment)
              ),
          },
          { key: 'kyc', title: intl.formatMessage(msg.kyc), render: (c) => <KycBadge status={c.kyc_status} /> },
          {
            key: 'subscription',
            title: intl.formatMessage(msg.subscription),
            render: (c) => <SubscriptionCell customer={c} />,
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
                      {intl.formatMessage(msg.startService)}
                    </Button>
                  )}
                  {s.status === 'active' && (
                    <Button size="xs" color="orange" variant="light" onClick={() => setSuspending(c)}>
                      {intl.formatMessage(msg.suspend)}
                    </Button>
                  )}
                  {s.status === 'suspended' && (
                    <Button size="xs" variant="light" onClick={() => void act.run(s.id, 'resume')}>
                      {intl.formatMessage(msg.resume)}
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
        title={intl.formatMessage(msg.suspendTitle, { customer: suspending?.name ?? '' })}
        message={intl.formatMessage(msg.suspendMessage)}
        confirmLabel={intl.formatMessage(msg.suspend)}
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
  const intl = useIntl();
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
        empty={intl.formatMessage(msg.kycEmpty)}
        defaultSort={{ key: 'status', direction: 'asc' }}
        columns={[
          { key: 'customer', title: intl.formatMessage(msg.customer), mobile: 'title', render: (k) => <Text fw={500}>{k.tenant_name}</Text> },
          { key: 'kind', title: intl.formatMessage(msg.checks), render: (k) => (k.kind === 'company' ? intl.formatMessage(msg.company) : intl.formatMessage(msg.personal)) },
          { key: 'sent', title: intl.formatMessage(msg.sent), render: (k) => formatDateTime(k.submitted_at) },
          { key: 'status', title: intl.formatMessage(msg.status), sortValue: (k) => (k.status === 'submitted' ? 0 : 1), render: (k) => <KycBadge status={k.status} /> },
          {
            key: 'open',
            title: '',
            mobile: 'footer',
            render: (k) =>
              owner && (
                <Button size="xs" variant={k.status === 'submitted' ? 'filled' : 'subtle'} onClick={() => setOpen(k)}>
                  {k.status === 'submitted' ? intl.formatMessage(msg.review) : intl.formatMessage(msg.view)}
                </Button>
              ),
          },
        ]}
      />
      <Drawer opened={!!open} onClose={() => setOpen(null)} title={intl.formatMessage(msg.drawerTitle, { customer: open?.tenant_name ?? '' })} position="right" size="md">
        {open && <KycReview partnerId={partnerId} kyc={open} onDone={() => { setOpen(null); list.reload(); onChange(); }} />}
      </Drawer>
    </>
  );
}

function KycReview({ partnerId, kyc, onDone }: { partnerId: string; kyc: KycCaseDto; onDone(): void }) {
  const intl = useIntl();
  const detail = useApiQuery(planKeys.kycCase(partnerId, kyc.id), () => plansApi.kycCase(partnerId, kyc.id));
  const review = useApiMutation((decision: 'verify' | 'reject', reason?: string) => plansApi.review(partnerId, kyc.id, { decision, reason }), {
    success: (k) => (k.status === 'verified' ? intl.formatMessage(msg.verified) : intl.formatMessage(msg.rejected)),
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
                  <Table.Td c="dimmed">{k in DETAIL_LABELS ? intl.formatMessage(DETAIL_LABELS[k as keyof typeof DETAIL_LABELS]) : k}</Table.Td>
                  <Table.Td>{v}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Card withBorder>
            <Text fw={500} mb={4}>
              <FormattedMessage id="plans.partner.kyc.documents" defaultMessage="Documents" />
            </Text>
            {d.documents.map((doc) => (
              <Anchor key={doc.id} href={plansApi.documentUrl(partnerId, kyc.id, doc.id)} download={doc.filename} display="block" size="sm">
                <FormattedMessage
                  id="plans.partner.kyc.document"
                  defaultMessage="{filename} ({size} KB)"
                  values={{ filename: doc.filename, size: intl.formatNumber(Math.ceil(doc.size_bytes / 1024)) }}
                />
              </Anchor>
            ))}
          </Card>
          {kyc.status === 'submitted' ? (
            <Group>
              <Button color="teal" loading={review.busy} onClick={() => void review.run('verify')}>
                {intl.formatMessage(msg.verify)}
              </Button>
              <Button color="red" variant="light" onClick={() => setRejecting(true)}>
                {intl.formatMessage(msg.reject)}
              </Button>
            </Group>
          ) : (
            <Text size="sm">
              <KycBadge status={kyc.status} />{' '}
              {kyc.reviewed_at ? (
                <FormattedMessage id="plans.partner.kyc.reviewed_on" defaultMessage="on {date}" values={{ date: formatDateTime(kyc.reviewed_at) }} />
              ) : (
                ''
              )}{' '}
              {kyc.reason ? `— ${kyc.reason}` : ''}
            </Text>
          )}
          <ErrorAlert error={review.error} />
        </>
      )}
      <ReasonModal
        opened={rejecting}
        title={intl.formatMessage(msg.rejectTitle)}
        message={intl.formatMessage(msg.rejectMessage)}
        confirmLabel={intl.formatMessage(msg.reject)}
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
  const intl = useIntl();
  const list = useApiQuery(planKeys.offers(partnerId), () => plansApi.offers(partnerId));
  const save = useApiMutation((planId: string, body: { price_minor?: number; offered?: boolean }) => plansApi.setOffer(partnerId, planId, body), { success: intl.formatMessage(msg.offerSaved), notifyError: true });
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
        empty={intl.formatMessage(msg.offerEmpty)}
        columns={[
          { key: 'plan', title: intl.formatMessage(msg.plan), mobile: 'title', render: (o) => <Text fw={500}>{o.plan_name}</Text> },
          { key: 'list', title: intl.formatMessage(msg.listPrice), render: (o) => formatMoney(o.list_price_minor, o.currency) },
          {
            key: 'range',
            title: intl.formatMessage(msg.range),
            render: (o) => intl.formatMessage(msg.rangeValue, { min: formatMoney(o.min_price_minor, o.currency), max: formatMoney(o.max_price_minor, o.currency) }),
          },
          {
            key: 'price',
            title: intl.formatMessage(msg.yourPrice),
            render: (o) =>
              owner ? (
                <Group gap={4} wrap="nowrap">
                  <NumberInput
                    size="xs"
                    w={110}
                    aria-label={intl.formatMessage(msg.yourPriceFor, { plan: o.plan_name })}
                    decimalScale={2}
                    fixedDecimalScale
                    min={0}
                    value={prices[o.plan_id] ?? o.price_minor / 100}
                    onChange={(v) => setPrices((p) => ({ ...p, [o.plan_id]: v }))}
                  />
                  {prices[o.plan_id] !== undefined && Math.round(Number(prices[o.plan_id]) * 100) !== o.price_minor && (
                    <Button size="xs" onClick={() => void save.run(o.plan_id, { price_minor: Math.round(Number(prices[o.plan_id]) * 100) })}>
                      {intl.formatMessage(msg.save)}
                    </Button>
                  )}
                </Group>
              ) : (
                formatMoney(o.price_minor, o.currency)
              ),
          },
          {
            key: 'offered',
            title: intl.formatMessage(msg.shown),
            render: (o) => <Switch aria-label={intl.formatMessage(msg.offerAria, { plan: o.plan_name })} checked={o.status === 'offered'} disabled={!owner} onChange={(e) => void save.run(o.plan_id, { offered: e.currentTarget.checked })} label={o.status === 'offered' ? intl.formatMessage(msg.offered) : intl.formatMessage(msg.hidden)} />,
          },
        ]}
      />
    </>
  );
}
