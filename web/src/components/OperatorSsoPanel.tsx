/**
 * The operator's view of an organization's single sign-on (on a partner's and a tenant's page): the
 * connection, its state in words, and "Switch off" with a reason (audited) — the organization's people
 * sign in with passwords again until its owner switches it back on.
 */
import { useState } from 'react';
import { Badge, Button, Card, Group, Modal, Stack, Text, Textarea, Title } from '@mantine/core';
import { ssoApi, type SsoOrg } from '../api/sso.ts';
import { ssoKeys } from '../api/keys/sso.ts';
import { ErrorAlert } from './ErrorAlert.tsx';
import { timeAgo } from './format.ts';
import { useApiMutation, useApiQuery } from '../query/query.ts';
import { useIntl } from 'react-intl';
import { defineMessages } from '../i18n/define.ts';
import { common } from '../i18n/common-messages.ts';

const m = defineMessages({
  switchedOffDone: { id: 'components.operator_sso.switched_off_done', defaultMessage: 'Single sign-on of {organization} is switched off.' },
  title: { id: 'components.operator_sso.title', defaultMessage: 'Single sign-on' },
  notSetUp: { id: 'components.operator_sso.not_set_up', defaultMessage: '{organization} has not set up a company sign-in; its people sign in with passwords.' },
  on: { id: 'components.operator_sso.on', defaultMessage: 'On' },
  off: { id: 'components.operator_sso.off', defaultMessage: 'Off' },
  required: { id: 'components.operator_sso.required', defaultMessage: 'Company sign-in required' },
  provider: { id: 'components.operator_sso.provider', defaultMessage: 'Provider: {issuer}.' },
  signedIn: { id: 'components.operator_sso.signed_in', defaultMessage: '{count, plural, one {# person has} other {# people have}} signed in with it.' },
  signedInLast: {
    id: 'components.operator_sso.signed_in_last',
    defaultMessage: '{count, plural, one {# person has} other {# people have}} signed in with it, the last {ago}.',
  },
  switchedOff: { id: 'components.operator_sso.switched_off', defaultMessage: 'Switched off by the operator {ago}: {reason}.' },
  noReason: { id: 'components.operator_sso.no_reason', defaultMessage: 'no reason given' },
  switchOff: { id: 'components.operator_sso.switch_off', defaultMessage: 'Switch off' },
  confirmTitle: { id: 'components.operator_sso.confirm_title', defaultMessage: 'Switch off the company sign-in of {organization}?' },
  confirmBody: {
    id: 'components.operator_sso.confirm_body',
    defaultMessage:
      'Its people are no longer sent to their company sign-in and may sign in with passwords again (or reset one). The owner is told why through the audit log and can switch it back on.',
  },
  reason: { id: 'components.operator_sso.reason', defaultMessage: 'Reason' },
  reasonHint: { id: 'components.operator_sso.reason_hint', defaultMessage: 'Recorded in the audit log, and shown to the organization.' },
  keepOn: { id: 'components.operator_sso.keep_on', defaultMessage: 'Keep it on' },
});

export function OperatorSsoPanel({ org, name }: { org: SsoOrg; name: string }) {
  const intl = useIntl();
  const q = useApiQuery(ssoKeys.operator(org), () => ssoApi.operatorGet(org));
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const off = useApiMutation((id: string) => ssoApi.switchOff(id, reason.trim()), { success: intl.formatMessage(m.switchedOffDone, { organization: name }), invalidates: [ssoKeys.all], onDone: () => setOpen(false) });
  const c = q.data?.connection ?? null;
  return (
    <Card withBorder radius="md" p="md" data-testid="operator-sso">
      <Title order={2} size="h4" mb="xs">
        {intl.formatMessage(m.title)}
      </Title>
      <ErrorAlert error={q.error} />
      {q.loading && <Text c="dimmed">{intl.formatMessage(common.loading)}</Text>}
      {!q.loading && !q.error && !c && <Text size="sm">{intl.formatMessage(m.notSetUp, { organization: name })}</Text>}
      {c && (
        <Stack gap="xs">
          <Group gap="xs" wrap="wrap">
            <Text fw={600}>{c.name}</Text>
            <Badge color={c.enabled ? 'teal' : 'gray'} variant="light" style={{ textTransform: 'none' }}>
              {intl.formatMessage(c.enabled ? m.on : m.off)}
            </Badge>
            <Badge variant="outline" style={{ textTransform: 'none' }} translate="no">
              {c.kind === 'oidc' ? 'OpenID Connect' : 'SAML 2.0'}
            </Badge>
            {c.require_sso && (
              <Badge color="blue" variant="light" style={{ textTransform: 'none' }}>
                {intl.formatMessage(m.required)}
              </Badge>
            )}
          </Group>
          <Text size="sm" c="dimmed">
            {c.oidc ? `${intl.formatMessage(m.provider, { issuer: c.oidc.issuer })} ` : ''}
            {c.last_sign_in_at
              ? intl.formatMessage(m.signedInLast, { count: c.people_signed_in, ago: timeAgo(c.last_sign_in_at) })
              : intl.formatMessage(m.signedIn, { count: c.people_signed_in })}
          </Text>
          {c.switched_off && <Text size="sm">{intl.formatMessage(m.switchedOff, { ago: timeAgo(c.switched_off.at), reason: c.switched_off.reason ?? intl.formatMessage(m.noReason) })}</Text>}
          {c.enabled && (
            <Group>
              <Button color="red" variant="light" size="xs" onClick={() => setOpen(true)} data-testid="operator-sso-off">
                {intl.formatMessage(m.switchOff)}
              </Button>
            </Group>
          )}
          <Modal opened={open} onClose={() => setOpen(false)} title={intl.formatMessage(m.confirmTitle, { organization: name })}>
            <Stack>
              <Text size="sm">{intl.formatMessage(m.confirmBody)}</Text>
              <Textarea label={intl.formatMessage(m.reason)} description={intl.formatMessage(m.reasonHint)} value={reason} onChange={(e) => setReason(e.currentTarget.value)} required data-testid="operator-sso-reason" />
              <ErrorAlert error={off.error} />
              <Group justify="flex-end">
                <Button variant="default" onClick={() => setOpen(false)}>
                  {intl.formatMessage(m.keepOn)}
                </Button>
                <Button color="red" disabled={!reason.trim()} loading={off.busy} onClick={() => void off.run(c.id)} data-testid="operator-sso-confirm">
                  {intl.formatMessage(m.switchOff)}
                </Button>
              </Group>
            </Stack>
          </Modal>
        </Stack>
      )}
    </Card>
  );
}
