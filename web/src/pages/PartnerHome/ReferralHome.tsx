/**
 * A referral partner's home: the funnel (sign-ups through its codes → customers now → paying
 * customers) and the next payout. Every figure is the program summary's — the one computation the
 * program pages read — so the home and the Earnings page never disagree.
 */
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

export function ReferralHome({ partnerId, ownCodesOnly, canSign }: { partnerId: string; ownCodesOnly: boolean; canSign: boolean }) {
  // the key the program pages use: one answer for all of them
  const summary = useApiQuery(programKeys.summary(partnerId), () => programApi.summary(partnerId));
  const s = summary.data;
  const cur = s?.currency ?? 'EUR';
  if (summary.error) return <ErrorAlert error={summary.error} />;
  const next = s?.next_payout;
  const codes = ownCodesOnly ? 'your own codes' : 'your codes';
  return (
    <Stack gap="lg">
      {s?.agreement_to_sign && (
        <Alert color="orange" variant="light" icon={<IconSignature size={20} />} title="An agreement waits for your signature" data-testid="home-agreement-waiting">
          <Group justify="space-between" gap="sm">
            <Text size="sm">
              “{s.agreement_to_sign.title}” (version {s.agreement_to_sign.version}) is ready. {canSign ? 'Read and sign it; the platform then approves it.' : 'An owner of your organization signs it.'}
            </Text>
            {canSign && (
              <Button component={Link} to="/partner/program/agreement" size="xs" color="orange">
                Read and sign
              </Button>
            )}
          </Group>
        </Alert>
      )}
      <EarningsFreshness partnerId={partnerId} />
      <HomeSection title="Your referrals" description={`Organizations that signed up through ${codes}, and how many of them became paying customers.`} testId="referral-funnel">
        <SimpleGrid cols={{ base: 1, xs: 3 }} data-testid="funnel">
          <Figure label="Signed up" value={s ? formatNumber(s.funnel.sign_ups) : undefined} hint={`Through ${codes}`} testId="funnel-signups" />
          <Figure label="Customers now" value={s ? formatNumber(s.funnel.customers) : undefined} hint="Of them, active today" testId="funnel-customers" />
          <Figure label="Paying customers" value={s ? formatNumber(s.funnel.paying) : undefined} hint="Of them, paid at least one invoice" testId="funnel-paying" />
        </SimpleGrid>
        {s && s.funnel.sign_ups === 0 && (
          <Text size="sm" c="dimmed" data-testid="funnel-empty">
            Nobody has signed up through {codes} yet. Share a code's sign-up link with the organizations you refer.
          </Text>
        )}
        <Group gap="md">
          <Anchor component={Link} to="/partner/program/referrals" size="sm">
            <Group gap={4} wrap="nowrap">
              Referred customers <IconArrowRight size={14} aria-hidden />
            </Group>
          </Anchor>
          <Anchor component={Link} to="/partner/program/codes" size="sm">
            <Group gap={4} wrap="nowrap">
              Referral codes <IconArrowRight size={14} aria-hidden />
            </Group>
          </Anchor>
        </Group>
      </HomeSection>
      <HomeSection
        title={ownCodesOnly ? "Your organization's earnings" : 'Your earnings'}
        description={`${ownCodesOnly ? 'From every code of your organization, not only yours. ' : ''}The platform approves earnings and pays them out; a refund after a payout is taken back from the next one.`}
        testId="referral-payout"
      >
        <SimpleGrid cols={{ base: 1, xs: 3 }}>
          <Figure
            label="Next payout"
            value={next ? (next.amount_minor > 0 ? formatMoney(next.amount_minor, cur) : 'Nothing due yet') : undefined}
            hint={next && next.threshold_minor > 0 ? `Paid once it reaches ${formatMoney(next.threshold_minor, cur)}` : 'Approved earnings, less refunds taken back'}
            testId="figure-next-payout"
          />
          <Figure label="Waiting for approval" value={s ? formatMoney(s.totals.pending_minor, cur) : undefined} hint="Computed, not approved yet" testId="figure-pending" />
          <Figure label="Paid to you" value={s ? formatMoney(s.totals.paid_minor, cur) : undefined} hint="All payouts so far" testId="figure-paid" />
        </SimpleGrid>
        <Anchor component={Link} to="/partner/program/earnings" size="sm">
          <Group gap={4} wrap="nowrap">
            Earnings <IconArrowRight size={14} aria-hidden />
          </Group>
        </Anchor>
      </HomeSection>
    </Stack>
  );
}
