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
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../../i18n/define.ts';

const m = defineMessages({
  required: { id: 'operator.partner_config.security.mfa.required', defaultMessage: "{name}'s people now need two-step verification from their next request." },
  removed: { id: 'operator.partner_config.security.mfa.removed', defaultMessage: "{name}'s own requirement is removed." },
  title: { id: 'operator.partner_config.security.mfa.title', defaultMessage: 'Two-step verification' },
  text: {
    id: 'operator.partner_config.security.mfa.text',
    defaultMessage: "Require {name}'s people to sign in with a second factor (an authenticator app or a passkey) before they act on customers' data.",
  },
  switch: { id: 'operator.partner_config.security.mfa.switch', defaultMessage: "Require two-step verification of {name}'s people" },
  platform: {
    id: 'operator.partner_config.security.mfa.platform',
    defaultMessage: 'Every partner must use two-step verification (set for the whole platform), so this partner must too.',
  },
  tokens: {
    id: 'operator.partner_config.security.tokens.intro',
    defaultMessage:
      "How long {name}'s apps may act for a customer on one token, whatever the customer allows. Tokens of the partner's own (not acting for a customer) are not affected; a customer can set shorter times for itself.",
  },
});

export function SecurityTab({ partnerId, partnerName }: { partnerId: string; partnerName: string }) {
  const intl = useIntl();
  const policy = useApiQuery(securityKeys.operatorPolicy, () => security.operatorPolicy());
  const save = useApiMutation((required: boolean) => security.setPartnerPolicy(partnerId, required), {
    success: (r) => intl.formatMessage(r.partners.some((x) => x.partner_id === partnerId) ? m.required : m.removed, { name: partnerName }),
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
              <Title order={3} size="h4">
                <FormattedMessage {...m.title} />
              </Title>
              <Text size="sm" c="dimmed">
                <FormattedMessage {...m.text} values={{ name: partnerName }} />
              </Text>
            </div>
            <Switch aria-label={intl.formatMessage(m.switch, { name: partnerName })} size="md" checked={own || !!p?.platform_required} disabled={!p || save.busy || !!p?.platform_required} onChange={(e) => void save.run(e.currentTarget.checked)} />
          </Group>
          {p?.platform_required && (
            <Alert variant="light" color="blue">
              <FormattedMessage {...m.platform} />
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
        intro={intl.formatMessage(m.tokens, { name: partnerName })}
        testId="partner-token-lifetimes"
      />
    </Stack>
  );
}
