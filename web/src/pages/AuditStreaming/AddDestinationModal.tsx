/** Adding an audit streaming destination: what kind (in words), where, and for syslog the CA certificate to trust. */
import { Button, Group, Modal, Radio, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { FormattedMessage, useIntl } from 'react-intl';
import { auditStreamsApi, type AuditDestinationKind, type AuditOwner, type CreatedAuditDestination } from '../../api/auditStreams.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useApiMutation } from '../../query/query.ts';
import { required, useApiForm } from '../../query/form.ts';
import { KIND_WORDS } from './kinds.ts';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  added: { id: 'audit_streaming.add.added', defaultMessage: 'Destination added: new audit events go there from now on.' },
  nameRequired: { id: 'audit_streaming.add.name_required', defaultMessage: 'Give the destination a name, e.g. “Security SIEM”.' },
  addressRequired: { id: 'audit_streaming.add.address_required', defaultMessage: 'Enter where the events go.' },
  title: { id: 'audit_streaming.add.title', defaultMessage: 'Add an audit streaming destination' },
  where: { id: 'audit_streaming.add.where', defaultMessage: 'Where should the events go?' },
  name: { id: 'audit_streaming.add.name', defaultMessage: 'Name' },
  nameHelp: { id: 'audit_streaming.add.name_help', defaultMessage: 'So you can tell your destinations apart.' },
  namePlaceholder: { id: 'audit_streaming.add.name_placeholder', defaultMessage: 'Security SIEM' },
  ca: { id: 'audit_streaming.add.ca', defaultMessage: 'CA certificate (optional)' },
  caHelp: {
    id: 'audit_streaming.add.ca_help',
    defaultMessage:
      'If the server’s certificate is not from a public certificate authority, paste the certificate of the authority that issued it (PEM, starting with -----BEGIN CERTIFICATE-----).',
  },
  authorization: { id: 'audit_streaming.add.authorization', defaultMessage: 'Authorization header (optional)' },
  authorizationHelp: {
    id: 'audit_streaming.add.authorization_help',
    defaultMessage: 'If the collector needs one, e.g. “Bearer …”. It is stored encrypted and never shown again.',
  },
  secretLater: { id: 'audit_streaming.add.secret_later', defaultMessage: 'After you add it, Partnergate shows the signing secret once.' },
  caField: { id: 'audit_streaming.add.ca_field', defaultMessage: 'CA certificate' },
  authorizationField: { id: 'audit_streaming.add.authorization_field', defaultMessage: 'Authorization header' },
  cancel: { id: 'common.cancel', defaultMessage: 'Cancel' },
  add: { id: 'audit_streaming.add.submit', defaultMessage: 'Add destination' },
});

type Values = { kind: AuditDestinationKind; name: string; address: string; ca_pem: string; authorization: string };

export function AddDestinationModal({ owner, opened, onClose, onCreated }: { owner: AuditOwner; opened: boolean; onClose: () => void; onCreated: (c: CreatedAuditDestination) => void }) {
  const intl = useIntl();
  const create = useApiMutation(
    (v: Values) =>
      auditStreamsApi.create(owner, {
        kind: v.kind,
        name: v.name.trim(),
        address: v.address.trim(),
        ...(v.kind === 'syslog' && v.ca_pem.trim() ? { ca_pem: v.ca_pem.trim() } : {}),
        ...(v.kind === 'otlp' && v.authorization.trim() ? { authorization: v.authorization.trim() } : {}),
      }),
    { onDone: onCreated, success: intl.formatMessage(m.added) },
  );
  const form = useApiForm<Values>(
    {
      initialValues: { kind: 'syslog', name: '', address: '', ca_pem: '', authorization: '' },
      validate: {
        name: (v: string) => required(v.trim(), intl.formatMessage(m.nameRequired)),
        address: (v: string) => required(v.trim(), intl.formatMessage(m.addressRequired)),
      },
    },
    create,
    { resetWhen: opened },
  );
  const kind = form.values.kind;
  const words = KIND_WORDS[kind];
  return (
    <Modal opened={opened} onClose={onClose} title={intl.formatMessage(m.title)} size="lg">
      <form noValidate onSubmit={form.submit((v) => create.run(v))}>
        <Stack>
          <Radio.Group label={intl.formatMessage(m.where)} withAsterisk {...form.getInputProps('kind')}>
            <Stack gap={8} mt={6}>
              {(Object.keys(KIND_WORDS) as AuditDestinationKind[]).map((k) => (
                <Radio key={k} value={k} label={intl.formatMessage(KIND_WORDS[k].title)} description={intl.formatMessage(KIND_WORDS[k].hint)} data-testid={`kind-${k}`} />
              ))}
            </Stack>
          </Radio.Group>
          <TextInput
            label={intl.formatMessage(m.name)}
            description={intl.formatMessage(m.nameHelp)}
            placeholder={intl.formatMessage(m.namePlaceholder)}
           maxLength={200} withAsterisk {...form.getInputProps('name')} data-testid="destination-name" />
          <TextInput label={intl.formatMessage(words.address)} placeholder={intl.formatMessage(words.placeholder)} withAsterisk {...form.getInputProps('address')} data-testid="destination-address" />
          {kind === 'syslog' && (
            <Textarea
              label={intl.formatMessage(m.ca)}
              description={intl.formatMessage(m.caHelp)}
              autosize
              minRows={3}
              maxRows={8}
              styles={{ input: { fontFamily: 'monospace', fontSize: 12 } }}
              {...form.getInputProps('ca_pem')}
              data-testid="destination-ca"
            />
          )}
          {kind === 'otlp' && (
            <TextInput
              label={intl.formatMessage(m.authorization)}
              description={intl.formatMessage(m.authorizationHelp)}
              autoComplete="off"
              {...form.getInputProps('authorization')}
            />
          )}
          {kind === 'webhook' && (
            <Text size="sm" c="dimmed">
              <FormattedMessage {...m.secretLater} />
            </Text>
          )}
          <ErrorAlert error={create.error} labels={{ address: intl.formatMessage(words.address), ca_pem: intl.formatMessage(m.caField), name: intl.formatMessage(m.name), authorization: intl.formatMessage(m.authorizationField) }} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              <FormattedMessage {...m.cancel} />
            </Button>
            <Button type="submit" loading={create.busy} data-testid="save-destination">
              <FormattedMessage {...m.add} />
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
