/**
 * An organization's SCIM provisioning — a partner's or a customer tenant's: whether it is on, the
 * base URL and token to paste into Entra ID or Okta (the token shown once), what the directory's
 * groups mean in words, and its last requests in words. The partner owner or the tenant admin
 * creates, replaces and switches off the token; the operator (operator console) sees it and may
 * switch it off.
 */
import { useState } from 'react';
import { ActionIcon, Alert, Badge, Button, Card, CopyButton, Group, Modal, Stack, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy, IconInfoCircle, IconKey, IconPlugConnectedX } from '@tabler/icons-react';
import { scimApi, type ScimConnectionDto, type ScimOrg } from '../../api/scim.ts';
import { scimKeys } from '../../api/keys/scim.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { OneTimeSecret } from '../../components/OneTimeSecret.tsx';
import { formatDateTime, timeAgo } from '../../components/format.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';

type Request = ScimConnectionDto['requests'][number];

const METHOD_WORDS: Record<string, string> = { POST: 'Create', PUT: 'Replace', PATCH: 'Change', DELETE: 'Remove', GET: 'Read' };

function what(r: Request): string {
  const kind = r.path.includes('/Groups') ? 'group' : r.path.includes('/Users') ? 'person' : 'settings';
  return `${METHOD_WORDS[r.method] ?? r.method} ${kind}`;
}

function StatusLine({ c, whose, kind }: { c: ScimConnectionDto; whose: 'your' | 'its'; kind: ScimOrg['type'] }) {
  if (c.status === 'on') {
    return (
      <Text size="sm">
        <Badge color="teal" variant="light" mr="xs">
          On
        </Badge>
        The token beginning <b>{c.token_prefix}…</b> was created {formatDateTime(c.token_created_at)}; {c.last_used_at ? `${whose} identity provider last used it ${timeAgo(c.last_used_at)}.` : `${whose} identity provider has not used it yet.`}
      </Text>
    );
  }
  if (c.status === 'off') {
    return (
      <Text size="sm">
        <Badge color="gray" variant="light" mr="xs">
          Off
        </Badge>
        Switched off {formatDateTime(c.switched_off_at)}. No token works; create a new one to switch provisioning back on.
      </Text>
    );
  }
  return (
    <Text size="sm">
      <Badge color="gray" variant="light" mr="xs">
        Not set up
      </Badge>
      {whose === 'your' ? 'Create a SCIM token, then paste the base URL and the token into your identity provider.' : `The ${kind === 'partner' ? 'partner' : 'customer'} has not created a SCIM token.`}
    </Text>
  );
}

/** What the directory does here, in words, for each kind of organization. */
function DirectoryWords({ kind, whose, orgName }: { kind: ScimOrg['type']; whose: 'your' | 'its'; orgName: string }) {
  if (kind === 'tenant') {
    return (
      <Text size="sm">
        People {whose} identity provider assigns become members of {orgName} who can use the portal. Members of a group named Admins (or Administrators) can also manage {orgName}: its people, partners and
        settings; someone who leaves every admin group is a plain member again. When it deactivates or removes someone, their sign-ins, personal API tokens and app access end at once, everywhere; their
        history stays.
      </Text>
    );
  }
  return (
    <Text size="sm">
      People {whose} identity provider assigns become staff members of {orgName}. When it deactivates or removes someone, their sign-ins, personal API tokens and app access end at once, everywhere; their
      history stays. Groups named Full access, Billing, Support or Auditor give their members that role for {whose === 'your' ? 'your' : 'its'} customers; someone who leaves all of them can only read.
    </Text>
  );
}

export function ProvisioningPanel({ org, orgName, mode }: { org: ScimOrg; orgName: string; mode: 'owner' | 'operator' }) {
  const conn = useApiQuery(scimKeys.connection(org), () => scimApi.connection(org));
  const [secret, setSecret] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<'rotate' | 'off' | null>(null);
  const issue = useApiMutation(() => scimApi.issueToken(org), {
    onDone: (r) => {
      setSecret(r.token);
      setConfirm(null);
      conn.setData(r.connection);
    },
    invalidates: [scimKeys.connection(org)],
  });
  const off = useApiMutation(() => scimApi.switchOff(org), {
    success: 'Provisioning is switched off.',
    onDone: (c) => {
      setSecret(null);
      setConfirm(null);
      conn.setData(c);
    },
    invalidates: [scimKeys.connection(org)],
  });
  const c = conn.data;
  const whose = mode === 'owner' ? 'your' : 'its';
  if (conn.error) return <ErrorAlert error={conn.error} />;
  return (
    <Stack gap="lg">
      <Card withBorder padding="lg">
        <Stack gap="md">
          <Title order={3} size="h4">
            Connection
          </Title>
          {c ? <StatusLine c={c} whose={whose} kind={org.type} /> : <Text size="sm">Loading…</Text>}
          {c && (
            <TextInput
              label="SCIM base URL"
              description="In Entra ID: Provisioning → Tenant URL. In Okta: SCIM connector base URL."
              value={c.base_url}
              readOnly
              rightSection={
                <CopyButton value={c.base_url} timeout={2000}>
                  {({ copied, copy }) => (
                    <Tooltip label={copied ? 'Copied' : 'Copy'} withArrow>
                      <ActionIcon variant="subtle" onClick={copy} aria-label={copied ? 'Copied' : 'Copy the SCIM base URL'}>
                        {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                      </ActionIcon>
                    </Tooltip>
                  )}
                </CopyButton>
              }
            />
          )}
          {secret && <OneTimeSecret value={secret} label="SCIM token (Entra ID: Secret Token; Okta: API token, as a Bearer token)" />}
          {issue.error ? <ErrorAlert error={issue.error} /> : null}
          {c && (
            <Group gap="sm">
              {mode === 'owner' && (
                <Button leftSection={<IconKey size={16} />} onClick={() => (c.status === 'on' ? setConfirm('rotate') : void issue.run())} loading={issue.busy && confirm === null}>
                  {c.status === 'on' ? 'Replace the token' : 'Create SCIM token'}
                </Button>
              )}
              {c.status === 'on' && (
                <Button color="red" variant="light" leftSection={<IconPlugConnectedX size={16} />} onClick={() => setConfirm('off')}>
                  Switch provisioning off
                </Button>
              )}
            </Group>
          )}
        </Stack>
      </Card>

      <Alert variant="light" icon={<IconInfoCircle size={16} />} title={`What ${whose} directory does here`}>
        <DirectoryWords kind={org.type} whose={whose} orgName={orgName} />
      </Alert>

      <Stack gap="xs">
        <Title order={3} size="h4">
          Recent requests
        </Title>
        <DataTable<Request>
          testId="scim-requests"
          records={c?.requests}
          loading={conn.loading}
          rowKey={(r) => `${r.at}-${r.method}-${r.path}-${r.status}`}
          empty="No requests yet. Once your identity provider connects, what it asks and what happened appear here."
          columns={[
            { key: 'at', title: 'When', render: (r) => formatDateTime(r.at), mobile: 'title' },
            { key: 'what', title: 'Request', render: what },
            {
              key: 'outcome',
              title: 'Outcome',
              render: (r) => (
                <Badge color={r.status < 400 ? 'teal' : 'red'} variant="light">
                  {r.status < 400 ? 'Done' : 'Refused'}
                </Badge>
              ),
            },
            { key: 'result', title: 'What happened', render: (r) => <Text size="sm">{r.result}</Text> },
          ]}
        />
      </Stack>

      <Modal opened={confirm !== null} onClose={() => setConfirm(null)} title={confirm === 'off' ? 'Switch provisioning off?' : 'Replace the SCIM token?'} centered>
        <Stack gap="md">
          <Text size="sm">
            {confirm === 'off'
              ? 'The current token stops working at once. Your identity provider can no longer add, change or remove people until someone creates a new token. People already here keep their access.'
              : 'The current token stops working at once. Paste the new token into your identity provider straight away, or its next request is refused.'}
          </Text>
          {(confirm === 'off' ? off.error : issue.error) ? <ErrorAlert error={confirm === 'off' ? off.error : issue.error} /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirm(null)}>
              Cancel
            </Button>
            <Button color={confirm === 'off' ? 'red' : 'blue'} loading={confirm === 'off' ? off.busy : issue.busy} onClick={() => void (confirm === 'off' ? off.run() : issue.run())}>
              {confirm === 'off' ? 'Switch off' : 'Replace the token'}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
