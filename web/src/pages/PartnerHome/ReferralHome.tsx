/**
 * A referral partner's home: the funnel (sign-ups through its codes → customers now → paying
 * customers) and the next payout. Every figure is the program summary's — the one computation the
 * program pages read — so the home and the Earnings page never disagree.
 */
import { FormattedMessage, useIntl } from 'react-intl';
import { Link } from 'react-router';
import { Alert, Anchor, Button, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconArrowRight, IconSignature } from '@tabler/icons-react';
import { programApi } from '../../api/program.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { EarningsFreshness } from '../../components/DataFreshness.tsx';
import { formatMoney, formatNumber } from '../../components/format.ts';
import { useApiQuery } from '../../query/query.ts';
import { Figure, HomeSection } from './HomeParts.tsx';
import { programKeys } from '../../api/keys/program.ts';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  agreementTitle: { id: 'partner_home.referral.agreement.title', defaultMessage: 'An agreement waits for your signature' },
  agreementText: {
    id: 'partner_home.referral.agreement.text',
    defaultMessage:
      '“{title}” (version {version}) is ready. {canSign, select, yes {Read and sign it; the platform then approves it.} other {An owner of your organization signs it.}}',
  },
  readAndSign: { id: 'partner_home.referral.agreement.read_and_sign', defaultMessage: 'Read and sign' },
  referralsTitle: { id: 'partner_home.referral.funnel.title', defaultMessage: 'Your referrals' },
  referralsDescription: {
    id: 'partner_home.referral.funnel.description',
    defaultMessage: 'Organizations that signed up through {own, select, yes {your own codes} other {your codes}}, and how many of them became paying customers.',
  },
  signedUp: { id: 'partner_home.referral.funnel.signed_up', defaultMessage: 'Signed up' },
  signedUpHint: { id: 'partner_home.referral.funnel.signed_up.hint', defaultMessage: 'Through {own, select, yes {your own codes} other {your codes}}' },
  customersNow: { id: 'partner_home.referral.funnel.customers', defaultMessage: 'Customers now' },
  customersNowHint: { id: 'partner_home.referral.funnel.customers.hint', defaultMessage: 'Of them, active today' },
  paying: { id: 'partner_home.referral.funnel.paying', defaultMessage: 'Paying customers' },
  payingHint: { id: 'partner_home.referral.funnel.paying.hint', defaultMessage: 'Of them, paid at least one invoice' },
  funnelEmpty: {
    id: 'partner_home.referral.funnel.empty',
    defaultMessage: "Nobody has signed up through {own, select, yes {your own codes} other {your codes}} yet. Share a code's sign-up link with the organizations you refer.",
  },
  referredCustomers: { id: 'partner_home.referral.link.referred_customers', defaultMessage: 'Referred customers' },
  referralCodes: { id: 'partner_home.referral.link.codes', defaultMessage: 'Referral codes' },
  earningsTitle: { id: 'partner_home.referral.earnings.title', defaultMessage: "{own, select, yes {Your organization's earnings} other {Your earnings}}" },
  earningsDescription: {
    id: 'partner_home.referral.earnings.description',
    defaultMessage:
      '{own, select, yes {From every code of your organization, not only yours. } other {}}The platform approves earnings and pays them out; a refund after a payout is taken back from the next one.',
  },
  nextPayout: { id: 'partner_home.referral.earnings.next_payout', defaultMessage: 'Next payout' },
  nothingDue: { id: 'partner_home.referral.earnings.nothing_due', defaultMessage: 'Nothing due yet' },
  paidOnceReaches: { id: 'partner_home.referral.earnings.threshold', defaultMessage: 'Paid once it reaches {amount}' },
  approvedLessRefunds: { id: 'partner_home.referral.earnings.next_payout.hint', defaultMessage: 'Approved earnings, less refunds taken back' },
  pending: { id: 'partner_home.referral.earnings.pending', defaultMessage: 'Waiting for approval' },
  pendingHint: { id: 'partner_home.referral.earnings.pending.hint', defaultMessage: 'Computed, not approved yet' },
  paid: { id: 'partner_home.referral.earnings.paid', defaultMessage: 'Paid to you' },
  paidHint: { id: 'partner_home.referral.earnings.paid.hint', defaultMessage: 'All payouts so far' },
  earningsLink: { id: 'partner_home.referral.link.earnings', defaultMessage: 'Earnings' },
});

export function ReferralHome({ partnerId, ownCodesOnly, canSign }: { partnerId: string; ownCodesOnly: boolean; canSign: boolean }) {
  const intl = useIntl();
  // the key the program pages use: one answer for all of them
  const summary = useApiQuery(programKeys.summary(partnerId), () => programApi.summary(partnerId));
  const s = summary.data;
  const cur = s?.currency ?? 'EUR';
  if (summary.error) return <ErrorAlert error={summary.error} />;
  const next = s?.next_payout;
  const own = ownCodesOnly ? 'yes' : 'no';
  return (
    <Stack gap="lg">
      {s?.agreement_to_sign && (
        <Alert color="orange" variant="light" icon={<IconSignature size={20} />} title={intl.formatMessage(m.agreementTitle)} data-testid="home-agreement-waiting">
          <Group justify="space-between" gap="sm">
            <Text size="sm">
              <FormattedMessage {...m.agreementText} values={{ title: s.agreement_to_sign.title, version: s.agreement_to_sign.version, canSign: canSign ? 'yes' : 'no' }} />
            </Text>
            {canSign && (
              <Button component={Link} to="/partner/program/agreement" size="xs" color="orange">
                <FormattedMessage {...m.readAndSign} />
              </Button>
            )}
          </Group>
        </Alert>
      )}
      <EarningsFreshness partnerId={partnerId} />
      <HomeSection title={intl.formatMessage(m.referralsTitle)} description={intl.formatMessage(m.referralsDescription, { own })} testId="referral-funnel">
        <SimpleGrid cols={{ base: 1, xs: 3 }} data-testid="funnel">
          <Figure label={intl.formatMessage(m.signedUp)} value={s ? formatNumber(s.funnel.sign_ups) : undefined} hint={intl.formatMessage(m.signedUpHint, { own })} testId="funnel-signups" />
          <Figure label={intl.formatMessage(m.customersNow)} value={s ? formatNumber(s.funnel.customers) : undefined} hint={intl.formatMessage(m.customersNowHint)} testId="funnel-customers" />
          <Figure label={intl.formatMessage(m.paying)} value={s ? formatNumber(s.funnel.paying) : undefined} hint={intl.formatMessage(m.payingHint)} testId="funnel-paying" />
        </SimpleGrid>
        {s && s.funnel.sign_ups === 0 && (
          <Text size="sm" c="dimmed" data-testid="funnel-empty">
            <FormattedMessage {...m.funnelEmpty} values={{ own }} />
          </Text>
        )}
        <Group gap="md">
          <Anchor component={Link} to="/partner/program/referrals" size="sm">
            <Group gap={4} wrap="nowrap">
              <FormattedMessage {...m.referredCustomers} /> <IconArrowRight size={14} aria-hidden />
            </Group>
          </Anchor>
          <Anchor component={Link} to="/partner/program/codes" size="sm">
            <Group gap={4} wrap="nowrap">
              <FormattedMessage {...m.referralCodes} /> <IconArrowRight size={14} aria-hidden />
            </Group>
          </Anchor>
        </Group>
      </HomeSection>
      <HomeSection
        title={intl.formatMessage(m.earningsTitle, { own })}
        description={intl.formatMessage(m.earningsDescription, { own })}
        testId="referral-payout"
      >
        <SimpleGrid cols={{ base: 1, xs: 3 }}>
          <Figure
            label={intl.formatMessage(m.nextPayout)}
            value={next ? (next.amount_minor > 0 ? formatMoney(next.amount_minor, cur) : intl.formatMessage(m.nothingDue)) : undefined}
            hint={next && next.threshold_minor > 0 ? intl.formatMessage(m.paidOnceReaches, { amount: formatMoney(next.threshold_minor, cur) }) : intl.formatMessage(m.approvedLessRefunds)}
            testId="figure-next-payout"
          />
          <Figure label={intl.formatMessage(m.pending)} value={s ? formatMoney(s.totals.pending_minor, cur) : undefined} hint={intl.formatMessage(m.pendingHint)} testId="figure-pending" />
          <Figure label={intl.formatMessage(m.paid)} value={s ? formatMoney(s.totals.paid_minor, cur) : undefined} hint={intl.formatMessage(m.paidHint)} testId="figure-paid" />
        </SimpleGrid>
        <Anchor component={Link} to="/partner/program/earnings" size="sm">
          <Group gap={4} wrap="nowrap">
            <FormattedMessage {...m.earningsLink} /> <IconArrowRight size={14} aria-hidden />
          </Group>
        </Anchor>
      </HomeSection>
    </Stack>
  );
}
