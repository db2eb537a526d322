/**
 * Operator: how this partner's people sign in — whether they must use two-step verification to
 * act on customers (also set platform-wide on the Sign-in security page), and its session policy.
 */
import { Alert, Group, Paper, Stack, Switch, Text, Title } from '@mantine/core';
import { security } from '../../../api/security.ts';
import { ErrorAlert } from '../../../components/ErrorAlert.tsx';
import { useApiMutation, useApiQuery } from '../../../query/query.ts';
import { SessionPolicyTab } from './SessionPolicyTab.tsx';
import { securityKeys } from '../../../api/keys/security.ts';
import { tokenLifetimeKeys } from '../../../api/keys/securityEvents.ts';
import { tokenLifetimesApi } from '../../../api/securityEvents.ts';
import { TokenLifetimesCard } from '../../../components/TokenLifetimesCard.tsx';

export function SecurityTab({ partnerId, partnerName }: { partnerId: string; partnerName: string }) {
  const policy = useApiQuery(securityKeys.operatorPolicy, () => security.operatorPolicy());
  const save = useApiMutation((required: boolean) => security.setPartnerPolicy(partnerId, required), {
    success: (r) => (r.partners.some((x) => x.partner_id === partnerId) ? `${partnerName}'s people now need two-step verification from their next request.` : `${partnerName}'s own requirement is removed.`),
    onDone: (r) => policy.setData(r),
  });
  const p = policy.data;
  const own = !!p?.partners.some((x) => x.partner_id === partnerId);
  return (
    <Stack gap="lg">
      <Paper withBorder p="lg" radius="md" data-testid="partner-mfa">
        <Stack gap="sm">
          <Group justify="space-between" wrap="nowrap" align="flex-start">
            <div style={{ minWidth: 0 }}>
              <Title order={4}>Two-step verification</Title>
              <Text size="sm" c="dimmed">
                Require {partnerName}&apos;s people to sign in with a second factor (an authenticator app or a passkey) before they act on customers&apos; data.
              </Text>
            </div>
            <Switch aria-label={`Require two-step verification of ${partnerName}'s people`} size="md" checked={own || !!p?.platform_required} disabled={!p || save.busy || !!p?.platform_required} onChange={(e) => void save.run(e.currentTarget.checked)} />
          </Group>
          {p?.platform_required && (
            <Alert variant="light" color="blue">
              Every partner must use two-step verification (set for the whole platform), so this partner must too.
            </Alert>
          )}
          <ErrorAlert error={policy.error ?? save.error} />
        </Stack>
      </Paper>
      <SessionPolicyTab partnerId={partnerId} />
      <TokenLifetimesCard
        queryKey={tokenLifetimeKeys.partner(partnerId)}
        load={() => tokenLifetimesApi.partner(partnerId)}
        save={(b) => tokenLifetimesApi.setPartner(partnerId, b)}
        intro={`How long ${partnerName}'s apps may act for a customer on one token, whatever the customer allows. Tokens of the partner's own (not acting for a customer) are not affected; a customer can set shorter times for itself.`}
        testId="partner-token-lifetimes"
      />
    </Stack>
  );
}
