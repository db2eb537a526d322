/**
 * An organization's SCIM provisioning — a partner's or a customer tenant's: whether it is on, the
 * base URL and token to paste into Entra ID or Okta (the token shown once), what the directory's
 * groups mean in words, and its last requests in words. The partner owner or the tenant admin
 * creates, replaces and switches off the token; the operator (operator console) sees it and may
 * switch it off.
 */
import { useState, type ReactNode } from 'react';
import { FormattedMessage, useIntl, type IntlShape } from 'react-intl';
import { ActionIcon, Alert, Badge, Button, Card, CopyButton, Group, Modal, Stack, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy, IconInfoCircle, IconKey, IconPlugConnectedX } from '@tabler/icons-react';
import { scimApi, type ScimConnectionDto, type ScimOrg } from '../../api/scim.ts';
import { scimKeys } from '../../api/keys/scim.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { OneTimeSecret } from '../../components/OneTimeSecret.tsx';
import { formatDateTime, timeAgo } from '../../components/format.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { defineMessages } from '../../i18n/define.ts';
import { common } from '../../i18n/common-messages.ts';

type Request = ScimConnectionDto['requests'][number];

const m = defineMessages({
  what: {
    id: 'provisioning.request.what',
    defaultMessage:
      '{method, select, POST {Create} PUT {Replace} PATCH {Change} DELETE {Remove} GET {Read} other {{method}}} {kind, select, group {group} person {person} other {settings}}',
  },
  on: { id: 'provisioning.status.on', defaultMessage: 'On' },
  tokenOn: {
    id: 'provisioning.status.token_on',
    defaultMessage:
      'The token beginning <b>{prefix}…</b> was created {date}; {used, select, yes {{whose, select, your {your identity provider last used it {ago}.} other {its identity provider last used it {ago}.}}} other {{whose, select, your {your identity provider has not used it yet.} other {its identity provider has not used it yet.}}}}',
  },
  off: { id: 'provisioning.status.off', defaultMessage: 'Off' },
  switchedOff: { id: 'provisioning.status.switched_off', defaultMessage: 'Switched off {date}. No token works; create a new one to switch provisioning back on.' },
  notSetUp: { id: 'provisioning.status.not_set_up', defaultMessage: 'Not set up' },
  createHint: { id: 'provisioning.status.create_hint', defaultMessage: 'Create a SCIM token, then paste the base URL and the token into your identity provider.' },
  noToken: { id: 'provisioning.status.no_token', defaultMessage: '{kind, select, partner {The partner has not created a SCIM token.} other {The customer has not created a SCIM token.}}' },
  tenantDirectory: {
    id: 'provisioning.directory.tenant',
    defaultMessage:
      'People {whose, select, your {your} other {its}} identity provider assigns become members of {org} who can use the portal. Members of a group named Admins (or Administrators) can also manage {org}: its people, partners and settings; someone who leaves every admin group is a plain member again. When it deactivates or removes someone, their sign-ins, personal API tokens and app access end at once, everywhere; their history stays.',
  },
  partnerDirectory: {
    id: 'provisioning.directory.partner',
    defaultMessage:
      'People {whose, select, your {your} other {its}} identity provider assigns become staff members of {org}. When it deactivates or removes someone, their sign-ins, personal API tokens and app access end at once, everywhere; their history stays. Groups named Full access, Billing, Support or Auditor give their members that role for {whose, select, your {your} other {its}} customers; someone who leaves all of them can only read.',
  },
  switchedOffToast: { id: 'provisioning.switched_off_toast', defaultMessage: 'Provisioning is switched off.' },
  connection: { id: 'provisioning.connection', defaultMessage: 'Connection' },
  baseUrl: { id: 'provisioning.base_url', defaultMessage: 'SCIM base URL' },
  baseUrlHelp: { id: 'provisioning.base_url_help', defaultMessage: 'In Entra ID: Provisioning → Tenant URL. In Okta: SCIM connector base URL.' },
  copied: { id: 'provisioning.copied', defaultMessage: 'Copied' },
  copy: { id: 'provisioning.copy', defaultMessage: 'Copy' },
  copyBaseUrl: { id: 'provisioning.copy_base_url', defaultMessage: 'Copy the SCIM base URL' },
  tokenLabel: { id: 'provisioning.token_label', defaultMessage: 'SCIM token (Entra ID: Secret Token; Okta: API token, as a Bearer token)' },
  replaceToken: { id: 'provisioning.replace_token', defaultMessage: 'Replace the token' },
  createToken: { id: 'provisioning.create_token', defaultMessage: 'Create SCIM token' },
  switchOffButton: { id: 'provisioning.switch_off_button', defaultMessage: 'Switch provisioning off' },
  directoryTitle: { id: 'provisioning.directory.title', defaultMessage: '{whose, select, your {What your directory does here} other {What its directory does here}}' },
  recentRequests: { id: 'provisioning.requests.title', defaultMessage: 'Recent requests' },
  requestsEmpty: { id: 'provisioning.requests.empty', defaultMessage: 'No requests yet. Once your identity provider connects, what it asks and what happened appear here.' },
  colWhen: { id: 'provisioning.requests.column.when', defaultMessage: 'When' },
  colRequest: { id: 'provisioning.requests.column.request', defaultMessage: 'Request' },
  colOutcome: { id: 'provisioning.requests.column.outcome', defaultMessage: 'Outcome' },
  done: { id: 'provisioning.requests.done', defaultMessage: 'Done' },
  refused: { id: 'provisioning.requests.refused', defaultMessage: 'Refused' },
  colResult: { id: 'provisioning.requests.column.result', defaultMessage: 'What happened' },
  offTitle: { id: 'provisioning.confirm.off_title', defaultMessage: 'Switch provisioning off?' },
  rotateTitle: { id: 'provisioning.confirm.rotate_title', defaultMessage: 'Replace the SCIM token?' },
  offText: {
    id: 'provisioning.confirm.off_text',
    defaultMessage:
      'The current token stops working at once. Your identity provider can no longer add, change or remove people until someone creates a new token. People already here keep their access.',
  },
  rotateText: {
    id: 'provisioning.confirm.rotate_text',
    defaultMessage: 'The current token stops working at once. Paste the new token into your identity provider straight away, or its next request is refused.',
  },
  cancel: { id: 'common.cancel', defaultMessage: 'Cancel' },
  switchOff: { id: 'provisioning.confirm.switch_off', defaultMessage: 'Switch off' },
});

function what(intl: IntlShape, r: Request): string {
  const kind = r.path.includes('/Groups') ? 'group' : r.path.includes('/Users') ? 'person' : 'settings';
  return intl.formatMessage(m.what, { method: r.method, kind });
}

function StatusLine({ c, whose, kind }: { c: ScimConnectionDto; whose: 'your' | 'its'; kind: ScimOrg['type'] }) {
  if (c.status === 'on') {
    return (
      <Text size="sm">
        <Badge color="teal" variant="light" mr="xs">
          <FormattedMessage {...m.on} />
        </Badge>
        <FormattedMessage
          {...m.tokenOn}
          values={{
            prefix: c.token_prefix,
            date: formatDateTime(c.token_created_at),
            used: c.last_used_at ? 'yes' : 'no',
            whose,
            ago: c.last_used_at ? timeAgo(c.last_used_at) : '',
            b: (chunks: ReactNode[]) => <b>{chunks}</b>,
          }}
        />
      </Text>
    );
  }
  if (c.status === 'off') {
    return (
      <Text size="sm">
        <Badge color="gray" variant="light" mr="xs">
          <FormattedMessage {...m.off} />
        </Badge>
        <FormattedMessage {...m.switchedOff} values={{ date: formatDateTime(c.switched_off_at) }} />
      </Text>
    );
  }
  return (
    <Text size="sm">
      <Badge color="gray" variant="light" mr="xs">
        <FormattedMessage {...m.notSetUp} />
      </Badge>
      {whose === 'your' ? <FormattedMessage {...m.createHint} /> : <FormattedMessage {...m.noToken} values={{ kind }} />}
    </Text>
  );
}

/** What the directory does here, in words, for each kind of organization. */
function DirectoryWords({ kind, whose, orgName }: { kind: ScimOrg['type']; whose: 'your' | 'its'; orgName: string }) {
  return (
    <Text size="sm">
      <FormattedMessage {...(kind === 'tenant' ? m.tenantDirectory : m.partnerDirectory)} values={{ whose, org: orgName }} />
    </Text>
  );
}

export function ProvisioningPanel({ org, orgName, mode }: { org: ScimOrg; orgName: string; mode: 'owner' | 'operator' }) {
  const intl = useIntl();
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
    success: intl.formatMessage(m.switchedOffToast),
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
          <Title order={2} size="h4">
            <FormattedMessage {...m.connection} />
          </Title>
          {c ? (
            <StatusLine c={c} whose={whose} kind={org.type} />
          ) : (
            <Text size="sm">
              <FormattedMessage {...common.loading} />
            </Text>
          )}
          {c && (
            <TextInput
              label={intl.formatMessage(m.baseUrl)}
              description={intl.formatMessage(m.baseUrlHelp)}
              value={c.base_url}
              readOnly
              rightSection={
                <CopyButton value={c.base_url} timeout={2000}>
                  {({ copied, copy }) => (
                    <Tooltip label={copied ? intl.formatMessage(m.copied) : intl.formatMessage(m.copy)} withArrow>
                      <ActionIcon variant="subtle" onClick={copy} aria-label={copied ? intl.formatMessage(m.copied) : intl.formatMessage(m.copyBaseUrl)}>
                        {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                      </ActionIcon>
                    </Tooltip>
                  )}
                </CopyButton>
              }
            />
          )}
          {secret && <OneTimeSecret value={secret} label={intl.formatMessage(m.tokenLabel)} />}
          {issue.error ? <ErrorAlert error={issue.error} /> : null}
          {c && (
            <Group gap="sm">
              {mode === 'owner' && (
                <Button leftSection={<IconKey size={16} />} onClick={() => (c.status === 'on' ? setConfirm('rotate') : void issue.run())} loading={issue.busy && confirm === null}>
                  {c.status === 'on' ? intl.formatMessage(m.replaceToken) : intl.formatMessage(m.createToken)}
                </Button>
              )}
              {c.status === 'on' && (
                <Button color="red" variant="light" leftSection={<IconPlugConnectedX size={16} />} onClick={() => setConfirm('off')}>
                  <FormattedMessage {...m.switchOffButton} />
                </Button>
              )}
            </Group>
          )}
        </Stack>
      </Card>

      <Alert variant="light" icon={<IconInfoCircle size={16} />} title={intl.formatMessage(m.directoryTitle, { whose })}>
        <DirectoryWords kind={org.type} whose={whose} orgName={orgName} />
      </Alert>

      <Stack gap="xs">
        <Title order={2} size="h4">
          <FormattedMessage {...m.recentRequests} />
        </Title>
        <DataTable<Request>
          testId="scim-requests"
          records={c?.requests}
          loading={conn.loading}
          rowKey={(r) => `${r.at}-${r.method}-${r.path}-${r.status}`}
          empty={intl.formatMessage(m.requestsEmpty)}
          columns={[
            { key: 'at', title: intl.formatMessage(m.colWhen), render: (r) => formatDateTime(r.at), mobile: 'title' },
            { key: 'what', title: intl.formatMessage(m.colRequest), render: (r) => what(intl, r) },
            {
              key: 'outcome',
              title: intl.formatMessage(m.colOutcome),
              render: (r) => (
                <Badge color={r.status < 400 ? 'teal' : 'red'} variant="light">
                  {r.status < 400 ? intl.formatMessage(m.done) : intl.formatMessage(m.refused)}
                </Badge>
              ),
            },
            { key: 'result', title: intl.formatMessage(m.colResult), render: (r) => <Text size="sm">{r.result}</Text> },
          ]}
        />
      </Stack>

      <Modal opened={confirm !== null} onClose={() => setConfirm(null)} title={confirm === 'off' ? intl.formatMessage(m.offTitle) : intl.formatMessage(m.rotateTitle)} centered>
        <Stack gap="md">
          <Text size="sm">
            {confirm === 'off' ? intl.formatMessage(m.offText) : intl.formatMessage(m.rotateText)}
          </Text>
          {(confirm === 'off' ? off.error : issue.error) ? <ErrorAlert error={confirm === 'off' ? off.error : issue.error} /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirm(null)}>
              <FormattedMessage {...m.cancel} />
            </Button>
            <Button color={confirm === 'off' ? 'red' : 'blue'} loading={confirm === 'off' ? off.busy : issue.busy} onClick={() => void (confirm === 'off' ? off.run() : issue.run())}>
              {confirm === 'off' ? intl.formatMessage(m.switchOff) : intl.formatMessage(m.replaceToken)}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
