/** Adding an audit streaming destination: what kind (in words), where, and for syslog the CA certificate to trust. */
import { Button, Group, Modal, Radio, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { auditStreamsApi, type AuditDestinationKind, type AuditOwner, type CreatedAuditDestination } from '../../api/auditStreams.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useApiMutation } from '../../query/query.ts';
import { required, useApiForm } from '../../query/form.ts';
import { KIND_WORDS } from './kinds.ts';

type Values = { kind: AuditDestinationKind; name: string; address: string; ca_pem: string; authorization: string };

export function AddDestinationModal({ owner, opened, onClose, onCreated }: { owner: AuditOwner; opened: boolean; onClose: () => void; onCreated: (c: CreatedAuditDestination) => void }) {
  const create = useApiMutation(
    (v: Values) =>
      auditStreamsApi.create(owner, {
        kind: v.kind,
        name: v.name.trim(),
        address: v.address.trim(),
        ...(v.kind === 'syslog' && v.ca_pem.trim() ? { ca_pem: v.ca_pem.trim() } : {}),
        ...(v.kind === 'otlp' && v.authorization.trim() ? { authorization: v.authorization.trim() } : {}),
      }),
    { onDone: onCreated, success: 'Destination added: new audit events go there from now on.' },
  );
  const form = useApiForm<Values>(
    {
      initialValues: { kind: 'syslog', name: '', address: '', ca_pem: '', authorization: '' },
      validate: {
        name: (v: string) => required(v.trim(), 'Give the destination a name, e.g. “Security SIEM”.'),
        address: (v: string) => required(v.trim(), 'Enter where the events go.'),
      },
    },
    create,
    { resetWhen: opened },
  );
  const kind = form.values.kind;
  const words = KIND_WORDS[kind];
  return (
    <Modal opened={opened} onClose={onClose} title="Add an audit streaming destination" size="lg">
      <form noValidate onSubmit={form.submit((v) => create.run(v))}>
        <Stack>
          <Radio.Group label="Where should the events go?" withAsterisk {...form.getInputProps('kind')}>
            <Stack gap={8} mt={6}>
              {(Object.keys(KIND_WORDS) as AuditDestinationKind[]).map((k) => (
                <Radio key={k} value={k} label={KIND_WORDS[k].title} description={KIND_WORDS[k].hint} data-testid={`kind-${k}`} />
              ))}
            </Stack>
          </Radio.Group>
          <TextInput label="Name" description="So you can tell your destinations apart." placeholder="Security SIEM" maxLength={200} withAsterisk {...form.getInputProps('name')} data-testid="destination-name" />
          <TextInput label={words.address} placeholder={words.placeholder} withAsterisk {...form.getInputProps('address')} data-testid="destination-address" />
          {kind === 'syslog' && (
            <Textarea
              label="CA certificate (optional)"
              description="If the server’s certificate is not from a public certificate authority, paste the certificate of the authority that issued it (PEM, starting with -----BEGIN CERTIFICATE-----)."
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
              label="Authorization header (optional)"
              description="If the collector needs one, e.g. “Bearer …”. It is stored encrypted and never shown again."
              autoComplete="off"
              {...form.getInputProps('authorization')}
            />
          )}
          {kind === 'webhook' && <Text size="sm" c="dimmed">After you add it, Partnergate shows the signing secret once.</Text>}
          <ErrorAlert error={create.error} labels={{ address: words.address, ca_pem: 'CA certificate', name: 'Name', authorization: 'Authorization header' }} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.busy} data-testid="save-destination">
              Add destination
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
