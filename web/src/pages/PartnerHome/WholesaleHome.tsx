/**
 * A wholesaler's home: what it is billed on its own account (when the reader's role reads billing),
 * its customers' subscriptions, identity checks waiting for its review, suspended customers, and
 * the way to the alerts raised on its customers.
 */
import { Link } from 'react-router';
import { Alert, Anchor, Badge, Button, Group, List, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import type { PartnerHome, WholesaleInvoice } from '../../api/partnerHome.ts';
import { DataFreshness } from '../../components/DataFreshness.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { formatDate, formatMoney, formatNumber, formatPeriod, timeAgo } from '../../components/format.ts';
import { Figure, HomeSection } from './HomeParts.tsx';

type Wholesale = NonNullable<PartnerHome['wholesale']>;

const INVOICE_STATUS: Record<string, { label: string; color: string }> = {
  open: { label: 'Open', color: 'blue' },
  overdue: { label: 'Overdue', color: 'red' },
  paid: { label: 'Paid', color: 'teal' },
  void: { label: 'Cancelled', color: 'gray' },
};

function Billing({ b }: { b: NonNullable<Wholesale['billing']> }) {
  const accounts = b.accounts.map((a) => a.number).join(', ');
  return (
    <HomeSection
      title="What you are billed"
      description={accounts ? `Your customers' orders are billed to your own account${b.accounts.length === 1 ? '' : 's'} (${accounts}); these are the invoices you receive for them.` : 'You have no billing account of your own yet.'}
      testId="wholesale-billing"
    >
      <DataFreshness kind="invoices" />
      <SimpleGrid cols={{ base: 1, xs: 2 }}>
        {b.outstanding.length === 0 ? (
          <Figure label="To pay" value="Nothing" hint="Every invoice is paid" testId="figure-outstanding" />
        ) : (
          b.outstanding.map((o) => <Figure key={o.currency} label="To pay" value={formatMoney(o.outstanding_cents, o.currency)} hint={o.overdue_cents > 0 ? `${formatMoney(o.overdue_cents, o.currency)} of it is overdue` : 'Nothing overdue'} testId="figure-outstanding" />)
        )}
        <Figure label="Latest invoice" value={b.invoices[0] ? formatMoney(b.invoices[0].total_cents, b.invoices[0].currency) : 'None yet'} hint={b.invoices[0] ? `${formatPeriod(b.invoices[0].period, 'en-US')}, due ${formatDate(b.invoices[0].due_at)}` : 'Invoices appear here once issued'} testId="figure-latest-invoice" />
      </SimpleGrid>
      <DataTable<WholesaleInvoice>
        testId="wholesale-invoices"
        records={b.invoices}
        rowKey={(i) => i.number}
        rowProps={() => ({ 'data-row': '' })}
        empty={<Text size="sm" c="dimmed">No invoice has been issued to you yet.</Text>}
        columns={[
          { key: 'number', title: 'Invoice', render: (i) => i.number, mobile: 'title' },
          { key: 'period', title: 'Month', render: (i) => formatPeriod(i.period, 'en-US') },
          { key: 'due', title: 'Due', render: (i) => formatDate(i.due_at) },
          { key: 'total', title: 'Amount', align: 'right', render: (i) => formatMoney(i.total_cents, i.currency) },
          { key: 'balance', title: 'Still to pay', align: 'right', render: (i) => formatMoney(i.balance_cents, i.currency) },
          { key: 'status', title: 'Status', render: (i) => <Badge color={INVOICE_STATUS[i.status]?.color ?? 'gray'} variant="light">{INVOICE_STATUS[i.status]?.label ?? i.status}</Badge> },
        ]}
      />
    </HomeSection>
  );
}

export function WholesaleHome({ w, canReviewAlerts }: { w: Wholesale; canReviewAlerts: boolean }) {
  const c = w.customers;
  const waiting = c.kyc_waiting.length;
  return (
    <Stack gap="lg">
      {w.billing ? (
        <Billing b={w.billing} />
      ) : (
        <Alert variant="light" color="gray" icon={<IconInfoCircle size={18} />} data-testid="billing-not-shown">
          Your role does not include billing, so what your organization is billed is not shown here. An owner of your organization, or a member whose role includes billing, sees it.
        </Alert>
      )}
      <HomeSection
        title="Your customers"
        description={c.total === 0 ? undefined : `The ${c.total === 1 ? 'organization' : `${formatNumber(c.total)} organizations`} you resell, by the state of their subscription.`}
        testId="wholesale-customers"
        actions={
          <Button component={Link} to="/partner/plans" variant="light" size="xs">
            Plans and customers
          </Button>
        }
      >
        {c.total === 0 ? (
          <Text size="sm" c="dimmed" data-testid="customers-empty">
            You resell no customer yet. Set one up under Resold customers; it then chooses a plan you offer.
          </Text>
        ) : (
          <SimpleGrid cols={{ base: 2, sm: 5 }} data-testid="subscription-figures">
            <Figure label="Active" value={formatNumber(c.subscriptions.active)} hint="Subscribed and in service" testId="figure-sub-active" />
            <Figure label="To sign" value={formatNumber(c.subscriptions.signing)} hint="Waiting for the customer's signature" testId="figure-sub-signing" />
            <Figure label="Signed" value={formatNumber(c.subscriptions.signed)} hint="Signed, to be started" testId="figure-sub-signed" />
            <Figure label="Suspended" value={formatNumber(c.subscriptions.suspended)} hint="Service stopped" testId="figure-sub-suspended" />
            <Figure label="No plan yet" value={formatNumber(c.subscriptions.none)} hint="No subscription in force" testId="figure-sub-none" />
          </SimpleGrid>
        )}
      </HomeSection>
      <HomeSection
        title="Identity checks to review"
        waiting={waiting}
        waitingLabel={waiting === 1 ? 'identity check waits' : 'identity checks wait'}
        description="A customer can subscribe to a plan only after you have verified who it is."
        testId="home-kyc-waiting"
      >
        {waiting === 0 ? (
          <Text size="sm" c="dimmed" data-testid="kyc-empty">
            No identity check waits for your review.
          </Text>
        ) : (
          <Stack gap="xs">
            <List size="sm" spacing={4}>
              {c.kyc_waiting.map((k) => (
                <List.Item key={`${k.tenant_name}-${k.submitted_at}`} data-row="">
                  <Text span fw={500} size="sm">
                    {k.tenant_name}
                  </Text>{' '}
                  sent its documents {timeAgo(k.submitted_at)}.
                </List.Item>
              ))}
            </List>
            <Group>
              <Button component={Link} to="/partner/plans" size="xs" color="orange">
                Review {waiting === 1 ? 'it' : 'them'}
              </Button>
            </Group>
          </Stack>
        )}
      </HomeSection>
      {c.suspended.length > 0 && (
        <HomeSection title="Suspended customers" description="Their service is stopped (unpaid invoices or a decision of yours); requests for them are refused until you reactivate them." testId="suspended-customers">
          <List size="sm" spacing={4}>
            {c.suspended.map((s) => (
              <List.Item key={s.tenant_name}>
                {s.tenant_name}
                {s.plan_name ? ` (${s.plan_name})` : ''}
              </List.Item>
            ))}
          </List>
        </HomeSection>
      )}
      {canReviewAlerts && (
        <Text size="sm">
          Alerts on your customers (missed service levels, overdue invoices, amounts above a limit) are on the{' '}
          <Anchor component={Link} to="/partner/alerts" underline="always">
            Alerts
          </Anchor>{' '}
          page.
        </Text>
      )}
    </Stack>
  );
}
