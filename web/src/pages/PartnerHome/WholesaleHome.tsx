/**
 * A wholesaler's home: what it is billed on its own account (when the reader's role reads billing),
 * its customers' subscriptions, identity checks waiting for its review, suspended customers, and
 * the way to the alerts raised on its customers.
 */
import { FormattedMessage, useIntl } from 'react-intl';
import { Link } from 'react-router';
import { Alert, Anchor, Badge, Button, Group, List, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import type { PartnerHome, WholesaleInvoice } from '../../api/partnerHome.ts';
import { DataFreshness } from '../../components/DataFreshness.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { formatDate, formatMoney, formatNumber, formatPeriod, timeAgo } from '../../components/format.ts';
import { Figure, HomeSection } from './HomeParts.tsx';
import { defineMessages, type Message } from '../../i18n/define.ts';

type Wholesale = NonNullable<PartnerHome['wholesale']>;

const STATUS_WORDS = defineMessages({
  open: { id: 'partner_home.wholesale.invoice_status.open', defaultMessage: 'Open' },
  overdue: { id: 'partner_home.wholesale.invoice_status.overdue', defaultMessage: 'Overdue' },
  paid: { id: 'partner_home.wholesale.invoice_status.paid', defaultMessage: 'Paid' },
  void: { id: 'partner_home.wholesale.invoice_status.void', defaultMessage: 'Cancelled' },
});

const INVOICE_STATUS: Record<string, { label: Message; color: string }> = {
  open: { label: STATUS_WORDS.open, color: 'blue' },
  overdue: { label: STATUS_WORDS.overdue, color: 'red' },
  paid: { label: STATUS_WORDS.paid, color: 'teal' },
  void: { label: STATUS_WORDS.void, color: 'gray' },
};

const m = defineMessages({
  billedTitle: { id: 'partner_home.wholesale.billing.title', defaultMessage: 'What you are billed' },
  billedDescription: {
    id: 'partner_home.wholesale.billing.description',
    defaultMessage:
      "Your customers' orders are billed to your own {count, plural, one {account} other {accounts}} ({accounts}); these are the invoices you receive for them.",
  },
  noAccount: { id: 'partner_home.wholesale.billing.no_account', defaultMessage: 'You have no billing account of your own yet.' },
  toPay: { id: 'partner_home.wholesale.billing.to_pay', defaultMessage: 'To pay' },
  nothing: { id: 'partner_home.wholesale.billing.to_pay.nothing', defaultMessage: 'Nothing' },
  allPaid: { id: 'partner_home.wholesale.billing.to_pay.all_paid', defaultMessage: 'Every invoice is paid' },
  ofItOverdue: { id: 'partner_home.wholesale.billing.to_pay.overdue', defaultMessage: '{amount} of it is overdue' },
  nothingOverdue: { id: 'partner_home.wholesale.billing.to_pay.nothing_overdue', defaultMessage: 'Nothing overdue' },
  latest: { id: 'partner_home.wholesale.billing.latest', defaultMessage: 'Latest invoice' },
  noneYet: { id: 'partner_home.wholesale.billing.latest.none', defaultMessage: 'None yet' },
  latestHint: { id: 'partner_home.wholesale.billing.latest.hint', defaultMessage: '{period}, due {date}' },
  latestEmptyHint: { id: 'partner_home.wholesale.billing.latest.empty_hint', defaultMessage: 'Invoices appear here once issued' },
  invoicesEmpty: { id: 'partner_home.wholesale.billing.invoices.empty', defaultMessage: 'No invoice has been issued to you yet.' },
  colInvoice: { id: 'partner_home.wholesale.billing.column.invoice', defaultMessage: 'Invoice' },
  colMonth: { id: 'partner_home.wholesale.billing.column.month', defaultMessage: 'Month' },
  colDue: { id: 'partner_home.wholesale.billing.column.due', defaultMessage: 'Due' },
  colAmount: { id: 'partner_home.wholesale.billing.column.amount', defaultMessage: 'Amount' },
  colBalance: { id: 'partner_home.wholesale.billing.column.balance', defaultMessage: 'Still to pay' },
  colStatus: { id: 'partner_home.wholesale.billing.column.status', defaultMessage: 'Status' },
  billingHidden: {
    id: 'partner_home.wholesale.billing.hidden',
    defaultMessage:
      'Your role does not include billing, so what your organization is billed is not shown here. An owner of your organization, or a member whose role includes billing, sees it.',
  },
  customersTitle: { id: 'partner_home.wholesale.customers.title', defaultMessage: 'Your customers' },
  customersDescription: {
    id: 'partner_home.wholesale.customers.description',
    defaultMessage: 'The {count, plural, one {organization} other {# organizations}} you resell, by the state of their subscription.',
  },
  plans: { id: 'partner_home.wholesale.customers.plans', defaultMessage: 'Plans and customers' },
  customersEmpty: {
    id: 'partner_home.wholesale.customers.empty',
    defaultMessage: 'You resell no customer yet. Set one up under Resold customers; it then chooses a plan you offer.',
  },
  subActive: { id: 'partner_home.wholesale.subscriptions.active', defaultMessage: 'Active' },
  subActiveHint: { id: 'partner_home.wholesale.subscriptions.active.hint', defaultMessage: 'Subscribed and in service' },
  subSigning: { id: 'partner_home.wholesale.subscriptions.signing', defaultMessage: 'To sign' },
  subSigningHint: { id: 'partner_home.wholesale.subscriptions.signing.hint', defaultMessage: "Waiting for the customer's signature" },
  subSigned: { id: 'partner_home.wholesale.subscriptions.signed', defaultMessage: 'Signed' },
  subSignedHint: { id: 'partner_home.wholesale.subscriptions.signed.hint', defaultMessage: 'Signed, to be started' },
  subSuspended: { id: 'partner_home.wholesale.subscriptions.suspended', defaultMessage: 'Suspended' },
  subSuspendedHint: { id: 'partner_home.wholesale.subscriptions.suspended.hint', defaultMessage: 'Service stopped' },
  subNone: { id: 'partner_home.wholesale.subscriptions.none', defaultMessage: 'No plan yet' },
  subNoneHint: { id: 'partner_home.wholesale.subscriptions.none.hint', defaultMessage: 'No subscription in force' },
  kycTitle: { id: 'partner_home.wholesale.kyc.title', defaultMessage: 'Identity checks to review' },
  kycWaiting: { id: 'partner_home.wholesale.kyc.waiting', defaultMessage: '{count, plural, one {# identity check waits} other {# identity checks wait}}' },
  kycDescription: { id: 'partner_home.wholesale.kyc.description', defaultMessage: 'A customer can subscribe to a plan only after you have verified who it is.' },
  kycEmpty: { id: 'partner_home.wholesale.kyc.empty', defaultMessage: 'No identity check waits for your review.' },
  kycSent: { id: 'partner_home.wholesale.kyc.sent', defaultMessage: '<name>{customer}</name> sent its documents {ago}.' },
  review: { id: 'partner_home.wholesale.kyc.review', defaultMessage: '{count, plural, one {Review it} other {Review them}}' },
  suspendedTitle: { id: 'partner_home.wholesale.suspended.title', defaultMessage: 'Suspended customers' },
  suspendedDescription: {
    id: 'partner_home.wholesale.suspended.description',
    defaultMessage: 'Their service is stopped (unpaid invoices or a decision of yours); requests for them are refused until you reactivate them.',
  },
  suspendedPlan: { id: 'partner_home.wholesale.suspended.with_plan', defaultMessage: '{customer} ({plan})' },
  alertsPointer: {
    id: 'partner_home.wholesale.alerts_pointer',
    defaultMessage: 'Alerts on your customers (missed service levels, overdue invoices, amounts above a limit) are on the <link>Alerts</link> page.',
  },
});

function Billing({ b }: { b: NonNullable<Wholesale['billing']> }) {
  const intl = useIntl();
  const accounts = b.accounts.map((a) => a.number).join(', ');
  return (
    <HomeSection
      title={intl.formatMessage(m.billedTitle)}
      description={accounts ? intl.formatMessage(m.billedDescription, { count: b.accounts.length, accounts }) : intl.formatMessage(m.noAccount)}
      testId="wholesale-billing"
    >
      <DataFreshness kind="invoices" />
      <SimpleGrid cols={{ base: 1, xs: 2 }}>
        {b.outstanding.length === 0 ? (
          <Figure label={intl.formatMessage(m.toPay)} value={intl.formatMessage(m.nothing)} hint={intl.formatMessage(m.allPaid)} testId="figure-outstanding" />
        ) : (
          b.outstanding.map((o) => (
            <Figure
              key={o.currency}
              label={intl.formatMessage(m.toPay)}
              value={formatMoney(o.outstanding_cents, o.currency)}
              hint={o.overdue_cents > 0 ? intl.formatMessage(m.ofItOverdue, { amount: formatMoney(o.overdue_cents, o.currency) }) : intl.formatMessage(m.nothingOverdue)}
              testId="figure-outstanding"
            />
          ))
        )}
        <Figure
          label={intl.formatMessage(m.latest)}
          value={b.invoices[0] ? formatMoney(b.invoices[0].total_cents, b.invoices[0].currency) : intl.formatMessage(m.noneYet)}
          hint={b.invoices[0] ? intl.formatMessage(m.latestHint, { period: formatPeriod(b.invoices[0].period), date: formatDate(b.invoices[0].due_at) }) : intl.formatMessage(m.latestEmptyHint)}
          testId="figure-latest-invoice"
        />
      </SimpleGrid>
      <DataTable<WholesaleInvoice>
        testId="wholesale-invoices"
        records={b.invoices}
        rowKey={(i) => i.number}
        rowProps={() => ({ 'data-row': '' })}
        empty={
          <Text size="sm" c="dimmed">
            <FormattedMessage {...m.invoicesEmpty} />
          </Text>
        }
        columns={[
          { key: 'number', title: intl.formatMessage(m.colInvoice), render: (i) => i.number, mobile: 'title' },
          { key: 'period', title: intl.formatMessage(m.colMonth), render: (i) => formatPeriod(i.period) },
          { key: 'due', title: intl.formatMessage(m.colDue), render: (i) => formatDate(i.due_at) },
          { key: 'total', title: intl.formatMessage(m.colAmount), align: 'right', render: (i) => formatMoney(i.total_cents, i.currency) },
          { key: 'balance', title: intl.formatMessage(m.colBalance), align: 'right', render: (i) => formatMoney(i.balance_cents, i.currency) },
          {
            key: 'status',
            title: intl.formatMessage(m.colStatus),
            render: (i) => {
              const st = INVOICE_STATUS[i.status];
              return (
                <Badge color={st?.color ?? 'gray'} variant="light">
                  {st ? intl.formatMessage(st.label) : i.status}
                </Badge>
              );
            },
          },
        ]}
      />
    </HomeSection>
  );
}

export function WholesaleHome({ w, canReviewAlerts }: { w: Wholesale; canReviewAlerts: boolean }) {
  const intl = useIntl();
  const c = w.customers;
  const waiting = c.kyc_waiting.length;
  return (
    <Stack gap="lg">
      {w.billing ? (
        <Billing b={w.billing} />
      ) : (
        <Alert variant="light" color="gray" icon={<IconInfoCircle size={18} />} data-testid="billing-not-shown">
          <FormattedMessage {...m.billingHidden} />
        </Alert>
      )}
      <HomeSection
        title={intl.formatMessage(m.customersTitle)}
        description={c.total === 0 ? undefined : intl.formatMessage(m.customersDescription, { count: c.total })}
        testId="wholesale-customers"
        actions={
          <Button component={Link} to="/partner/plans" variant="light" size="xs">
            <FormattedMessage {...m.plans} />
          </Button>
        }
      >
        {c.total === 0 ? (
          <Text size="sm" c="dimmed" data-testid="customers-empty">
            <FormattedMessage {...m.customersEmpty} />
          </Text>
        ) : (
          <SimpleGrid cols={{ base: 2, sm: 5 }} data-testid="subscription-figures">
            <Figure label={intl.formatMessage(m.subActive)} value={formatNumber(c.subscriptions.active)} hint={intl.formatMessage(m.subActiveHint)} testId="figure-sub-active" />
            <Figure label={intl.formatMessage(m.subSigning)} value={formatNumber(c.subscriptions.signing)} hint={intl.formatMessage(m.subSigningHint)} testId="figure-sub-signing" />
            <Figure label={intl.formatMessage(m.subSigned)} value={formatNumber(c.subscriptions.signed)} hint={intl.formatMessage(m.subSignedHint)} testId="figure-sub-signed" />
            <Figure label={intl.formatMessage(m.subSuspended)} value={formatNumber(c.subscriptions.suspended)} hint={intl.formatMessage(m.subSuspendedHint)} testId="figure-sub-suspended" />
            <Figure label={intl.formatMessage(m.subNone)} value={formatNumber(c.subscriptions.none)} hint={intl.formatMessage(m.subNoneHint)} testId="figure-sub-none" />
          </SimpleGrid>
        )}
      </HomeSection>
      <HomeSection
        title={intl.formatMessage(m.kycTitle)}
        waiting={waiting}
        waitingLabel={intl.formatMessage(m.kycWaiting, { count: waiting })}
        description={intl.formatMessage(m.kycDescription)}
        testId="home-kyc-waiting"
      >
        {waiting === 0 ? (
          <Text size="sm" c="dimmed" data-testid="kyc-empty">
            <FormattedMessage {...m.kycEmpty} />
          </Text>
        ) : (
          <Stack gap="xs">
            <List size="sm" spacing={4}>
              {c.kyc_waiting.map((k) => (
                <List.Item key={`${k.tenant_name}-${k.submitted_at}`} data-row="">
                  <FormattedMessage
                    {...m.kycSent}
                    values={{
                      customer: k.tenant_name,
                      ago: timeAgo(k.submitted_at),
                      name: (chunks) => (
                        <Text span fw={500} size="sm">
                          {chunks}
                        </Text>
                      ),
                    }}
                  />
                </List.Item>
              ))}
            </List>
            <Group>
              <Button component={Link} to="/partner/plans" size="xs" color="orange">
                <FormattedMessage {...m.review} values={{ count: waiting }} />
              </Button>
            </Group>
          </Stack>
        )}
      </HomeSection>
      {c.suspended.length > 0 && (
        <HomeSection title={intl.formatMessage(m.suspendedTitle)} description={intl.formatMessage(m.suspendedDescription)} testId="suspended-customers">
          <List size="sm" spacing={4}>
            {c.suspended.map((s) => (
              <List.Item key={s.tenant_name}>
                {s.plan_name ? intl.formatMessage(m.suspendedPlan, { customer: s.tenant_name, plan: s.plan_name }) : s.tenant_name}
              </List.Item>
            ))}
          </List>
        </HomeSection>
      )}
      {canReviewAlerts && (
        <Text size="sm">
          <FormattedMessage
            {...m.alertsPointer}
            values={{
              link: (chunks) => (
                <Anchor component={Link} to="/partner/alerts" underline="always">
                  {chunks}
                </Anchor>
              ),
            }}
          />
        </Text>
      )}
    </Stack>
  );
}
