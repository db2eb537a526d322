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

export function OperatorSsoPanel({ org, name }: { org: SsoOrg; name: string }) {
  const q = useApiQuery(ssoKeys.operator(org), () => ssoApi.operatorGet(org));
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const off = useApiMutation((id: string) => ssoApi.switchOff(id, reason.trim()), { success: `Single sign-on of ${name} is switched off.`, invalidates: [ssoKeys.all], onDone: () => setOpen(false) });
  const c = q.data?.connection ?? null;
  return (
    <Card withBorder radius="md" p="md" data-testid="operator-sso">
      <Title order={2} size="h4" mb="xs">
        Single sign-on
      </Title>
      <ErrorAlert error={q.error} />
      {q.loading && <Text c="dimmed">Loading…</Text>}
      {!q.loading && !q.error && !c && <Text size="sm">{name} has not set up a company sign-in; its people sign in with passwords.</Text>}
      {c && (
        <Stack gap="xs">
          <Group gap="xs" wrap="wrap">
            <Text fw={600}>{c.name}</Text>
            <Badge color={c.enabled ? 'teal' : 'gray'} variant="light" style={{ textTransform: 'none' }}>
              {c.enabled ? 'On' : 'Off'}
            </Badge>
            <Badge variant="outline" style={{ textTransform: 'none' }}>
              {c.kind === 'oidc' ? 'OpenID Connect' : 'SAML 2.0'}
            </Badge>
            {c.require_sso && (
              <Badge color="blue" variant="light" style={{ textTransform: 'none' }}>
                Company sign-in required
              </Badge>
            )}
          </Group>
          <Text size="sm" c="dimmed">
            {c.oidc ? `Provider: ${c.oidc.issuer}. ` : ''}
            {c.people_signed_in} {c.people_signed_in === 1 ? 'person has' : 'people have'} signed in with it{c.last_sign_in_at ? `, the last ${timeAgo(c.last_sign_in_at)}` : ''}.
          </Text>
          {c.switched_off && <Text size="sm">Switched off by the operator {timeAgo(c.switched_off.at)}: {c.switched_off.reason ?? 'no reason given'}.</Text>}
          {c.enabled && (
            <Group>
              <Button color="red" variant="light" size="xs" onClick={() => setOpen(true)} data-testid="operator-sso-off">
                Switch off
              </Button>
            </Group>
          )}
          <Modal opened={open} onClose={() => setOpen(false)} title={`Switch off the company sign-in of ${name}?`}>
            <Stack>
              <Text size="sm">Its people are no longer sent to their company sign-in and may sign in with passwords again (or reset one). The owner is told why through the audit log and can switch it back on.</Text>
              <Textarea label="Reason" description="Recorded in the audit log, and shown to the organization." value={reason} onChange={(e) => setReason(e.currentTarget.value)} required data-testid="operator-sso-reason" />
              <ErrorAlert error={off.error} />
              <Group justify="flex-end">
                <Button variant="default" onClick={() => setOpen(false)}>
                  Keep it on
                </Button>
                <Button color="red" disabled={!reason.trim()} loading={off.busy} onClick={() => void off.run(c.id)} data-testid="operator-sso-confirm">
                  Switch off
                </Button>
              </Group>
            </Stack>
          </Modal>
        </Stack>
      )}
    </Card>
  );
}
