/** The referral partner's program at a glance: sign-ups, referred customers, earnings by month, and what waits. */
import { Link } from 'react-router';
import { Alert, Anchor, Button, Group, Paper, SimpleGrid, Skeleton, Stack, Text } from '@mantine/core';
import { IconInfoCircle, IconSignature } from '@tabler/icons-react';
import { FormattedMessage, useIntl } from 'react-intl';
import { programApi } from '../../api/program.ts';
import { defineMessages } from '../../i18n/define.ts';
import { Chart } from '../../components/charts/Chart.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useApiQuery } from '../../query/query.ts';
import { allows } from '../../session/access.ts';
import { useView } from '../../session/useView.ts';
import { formatDay, formatMoney, formatMoneyShort, monthRows, monthSeries } from './programFormat.ts';
import { inForce } from '../../components/format.ts';
import { programKeys } from '../../api/keys/program.ts';

const msg = defineMessages({
  title: { id: 'program.home.title', defaultMessage: 'Partner program' },
  description: { id: 'program.home.description', defaultMessage: 'How {partner}\'s referrals are doing: who signed up through your codes and what you have earned.' },
  toSignTitle: { id: 'program.home.to_sign.title', defaultMessage: 'An agreement waits for your signature' },
  noAgreementTitle: { id: 'program.home.no_agreement.title', defaultMessage: 'No agreement in force yet' },
  signUps: { id: 'program.home.stat.sign_ups', defaultMessage: 'Sign-ups' },
  signUpsHint: { id: 'program.home.stat.sign_ups.hint', defaultMessage: 'Organizations that joined with your codes' },
  active: { id: 'program.home.stat.active', defaultMessage: 'Active customers' },
  activeHint: { id: 'program.home.stat.active.hint', defaultMessage: 'Referred organizations in use today' },
  unpaid: { id: 'program.home.stat.unpaid', defaultMessage: 'Waiting to be paid' },
  unpaidHint: { id: 'program.home.stat.unpaid.hint', defaultMessage: 'Pending and approved earnings' },
  paid: { id: 'program.home.stat.paid', defaultMessage: 'Paid to you' },
  paidHint: { id: 'program.home.stat.paid.hint', defaultMessage: 'All payouts so far' },
  chartTitle: { id: 'program.home.chart.title', defaultMessage: 'Earnings by month' },
  chartDescription: { id: 'program.home.chart.description', defaultMessage: "Pending earnings wait for the platform's approval; approved ones are paid with the next payout." },
  chartEmpty: { id: 'program.home.chart.empty', defaultMessage: 'No earnings yet. They appear here once referred customers pay their invoices.' },
});

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
  const intl = useIntl();
  const view = useView();
  const m = view.partner!;
  const pid = m.partner_id;
  const summary = useApiQuery(programKeys.summary(pid), () => programApi.summary(pid));
  const s = summary.data;
  const cur = s?.currency ?? 'EUR';
  const canSign = allows(m, 'partner.agreements.sign');

  return (
    <>
      <PageHeader title={intl.formatMessage(msg.title)} description={intl.formatMessage(msg.description, { partner: m.name })} />
      <Stack gap="lg">
        <ErrorAlert error={summary.error} />
        {s?.agreement_to_sign && (
          <Alert color="orange" variant="light" icon={<IconSignature size={20} />} title={intl.formatMessage(msg.toSignTitle)} data-testid="agreement-waiting">
            <Group justify="space-between" gap="sm">
              <Text size="sm">
                <FormattedMessage
                  id="program.home.to_sign.text"
                  defaultMessage="“{title}” (version {version}) is ready. {canSign, select, yes {Read it and sign it; the platform then approves it and it takes effect.} other {An owner of your organization signs it.}}"
                  values={{ title: s.agreement_to_sign.title, version: s.agreement_to_sign.version, canSign: canSign ? 'yes' : 'no' }}
                />
              </Text>
              {canSign && (
                <Button component={Link} to="/partner/program/agreement" size="xs" color="orange">
                  <FormattedMessage id="program.home.to_sign.read_and_sign" defaultMessage="Read and sign" />
                </Button>
              )}
            </Group>
          </Alert>
        )}
        {s && !s.current_agreement && (
          <Alert color="gray" variant="light" icon={<IconInfoCircle size={20} />} title={intl.formatMessage(msg.noAgreementTitle)}>
            <Text size="sm">
              <FormattedMessage id="program.home.no_agreement.text" defaultMessage="Earnings start once an agreement is signed by your organization and approved by the platform." />
            </Text>
          </Alert>
        )}
        <SimpleGrid cols={{ base: 2, md: 4 }}>
          <StatCard label={intl.formatMessage(msg.signUps)} value={s?.sign_ups} hint={intl.formatMessage(msg.signUpsHint)} testId="stat-signups" />
          <StatCard label={intl.formatMessage(msg.active)} value={s?.active_referred_tenants} hint={intl.formatMessage(msg.activeHint)} testId="stat-active" />
          <StatCard label={intl.formatMessage(msg.unpaid)} value={s ? formatMoney(s.totals.pending_minor + s.totals.approved_minor, cur) : undefined} hint={intl.formatMessage(msg.unpaidHint)} testId="stat-unpaid" />
          <StatCard label={intl.formatMessage(msg.paid)} value={s ? formatMoney(s.totals.paid_minor, cur) : undefined} hint={intl.formatMessage(msg.paidHint)} testId="stat-paid" />
        </SimpleGrid>
        <Chart
          title={intl.formatMessage(msg.chartTitle)}
          description={intl.formatMessage(msg.chartDescription)}
          kind="bar"
          stacked
          loading={summary.loading}
          data={monthRows(s?.by_month ?? [])}
          dataKey="month"
          series={monthSeries(intl)}
          valueFormatter={(v) => formatMoneyShort(v, cur)}
          tableFormatter={(v) => formatMoney(v, cur)}
          empty={intl.formatMessage(msg.chartEmpty)}
        />
        {s?.current_agreement && (
          <Text size="sm" c="dimmed">
            {inForce(s.current_agreement.effective_date, null) ? (
              <FormattedMessage
                id="program.home.current.in_force"
                defaultMessage="Agreement in force: “{title}” (version {version})."
                values={{ title: s.current_agreement.title, version: s.current_agreement.version }}
              />
            ) : (
              <FormattedMessage
                id="program.home.current.approved"
                defaultMessage="Agreement approved, in force from {date}: “{title}” (version {version})."
                values={{ date: formatDay(s.current_agreement.effective_date), title: s.current_agreement.title, version: s.current_agreement.version }}
              />
            )}{' '}
            <Anchor component={Link} to="/partner/program/agreement" size="sm">
              <FormattedMessage id="program.home.current.read_terms" defaultMessage="Read the terms" />
            </Anchor>
          </Text>
        )}
      </Stack>
    </>
  );
}
