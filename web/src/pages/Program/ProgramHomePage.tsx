/** The referral partner's program at a glance: sign-ups, referred customers, earnings by month, and what waits. */
import { Link } from 'react-router';
import { Alert, Anchor, Button, Group, Paper, SimpleGrid, Skeleton, Stack, Text } from '@mantine/core';
import { IconInfoCircle, IconSignature } from '@tabler/icons-react';
import { programApi } from '../../api/program.ts';
import { Chart } from '../../components/charts/Chart.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useApiQuery } from '../../query/query.ts';
import { allows } from '../../session/access.ts';
import { useView } from '../../session/useView.ts';
import { formatDay, formatMoney, formatMoneyShort, MONTH_SERIES, monthRows } from './programFormat.ts';
import { inForce } from '../../components/format.ts';
import { programKeys } from '../../api/keys/program.ts';

export function StatCard({ label, value, hint, testId }: { label: string; value: string | number | undefined; hint?: string; testId?: string }) {
  return (
    <Paper withBorder radius="md" p="md" data-testid={testId}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      {value === undefined ? (
        <Skeleton h={28} mt={6} w="60%" />
      ) : (
        <Text fw={700} fz={24} mt={4}>
          {value}
        </Text>
      )}
      {hint && (
        <Text size="xs" c="dimmed" mt={2}>
          {hint}
        </Text>
      )}
    </Paper>
  );
}

export function ProgramHomePage() {
  const view = useView();
  const m = view.partner!;
  const pid = m.partner_id;
  const summary = useApiQuery(programKeys.summary(pid), () => programApi.summary(pid));
  const s = summary.data;
  const cur = s?.currency ?? 'EUR';
  const canSign = allows(m, 'partner.agreements.sign');

  return (
    <>
      <PageHeader title="Partner program" description={`How ${m.name}'s referrals are doing: who signed up through your codes and what you have earned.`} />
      <Stack gap="lg">
        <ErrorAlert error={summary.error} />
        {s?.agreement_to_sign && (
          <Alert color="orange" variant="light" icon={<IconSignature size={20} />} title="An agreement waits for your signature" data-testid="agreement-waiting">
            <Group justify="space-between" gap="sm">
              <Text size="sm">
                “{s.agreement_to_sign.title}” (version {s.agreement_to_sign.version}) is ready.{' '}
                {canSign ? 'Read it and sign it; the platform then approves it and it takes effect.' : 'An owner of your organization signs it.'}
              </Text>
              {canSign && (
                <Button component={Link} to="/partner/program/agreement" size="xs" color="orange">
                  Read and sign
                </Button>
              )}
            </Group>
          </Alert>
        )}
        {s && !s.current_agreement && (
          <Alert color="gray" variant="light" icon={<IconInfoCircle size={20} />} title="No agreement in force yet">
            <Text size="sm">Earnings start once an agreement is signed by your organization and approved by the platform.</Text>
          </Alert>
        )}
        <SimpleGrid cols={{ base: 2, md: 4 }}>
          <StatCard label="Sign-ups" value={s?.sign_ups} hint="Organizations that joined with your codes" testId="stat-signups" />
          <StatCard label="Active customers" value={s?.active_referred_tenants} hint="Referred organizations in use today" testId="stat-active" />
          <StatCard label="Waiting to be paid" value={s ? formatMoney(s.totals.pending_minor + s.totals.approved_minor, cur) : undefined} hint="Pending and approved earnings" testId="stat-unpaid" />
          <StatCard label="Paid to you" value={s ? formatMoney(s.totals.paid_minor, cur) : undefined} hint="All payouts so far" testId="stat-paid" />
        </SimpleGrid>
        <Chart
          title="Earnings by month"
          description="Pending earnings wait for the platform's approval; approved ones are paid with the next payout."
          kind="bar"
          stacked
          loading={summary.loading}
          data={monthRows(s?.by_month ?? [])}
          dataKey="month"
          series={MONTH_SERIES}
          valueFormatter={(v) => formatMoneyShort(v, cur)}
          tableFormatter={(v) => formatMoney(v, cur)}
          empty="No earnings yet. They appear here once referred customers pay their invoices."
        />
        {s?.current_agreement && (
          <Text size="sm" c="dimmed">
            {inForce(s.current_agreement.effective_date, null) ? 'Agreement in force' : `Agreement approved, in force from ${formatDay(s.current_agreement.effective_date)}`}: “{s.current_agreement.title}” (version {s.current_agreement.version}).{' '}
            <Anchor component={Link} to="/partner/program/agreement" size="sm">
              Read the terms
            </Anchor>
          </Text>
        )}
      </Stack>
    </>
  );
}
