/**
 * A partner's or a tenant's sign-in domains: add the e-mail domain its people use, publish the TXT
 * record shown, press Check; the answer (verified, or why not) is shown in words. Remove gives a
 * domain up.
 */
import { useState } from 'react';
import { Alert, Button, Card, Group, Modal, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle, IconPlus, IconWorldWww } from '@tabler/icons-react';
import { domainsApi, type DomainOwner, type OrganizationDomain } from '../../api/domains.ts';
import { domainKeys } from '../../api/keys/domains.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatDateTime, timeAgo } from '../../components/format.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { required, useApiForm } from '../../query/form.ts';
import { CopyField, DomainStatusBadge } from './DomainParts.tsx';

export function DomainsView({ owner, who }: { owner: DomainOwner; /** the organization's name */ who: string }) {
  const list = useApiQuery(domainKeys.of(owner), () => domainsApi.list(owner));
  const add = useApiMutation((domain: string) => domainsApi.add(owner, domain), { success: (d) => `${d.domain} added: publish its TXT record, then press Check.`, invalidates: [domainKeys.of(owner)] });
  const form = useApiForm({ initialValues: { domain: '' }, validate: { domain: (v: string) => required(v, 'Enter a domain, such as example.com.') } }, add);
  const rows = list.data?.data ?? [];
  return (
    <>
      <PageHeader
        title="Sign-in domains"
        description={`Prove that ${who} owns the e-mail domains its people use, such as example.com. Single sign-on will only send people to your company's own sign-in page for domains verified here. Each domain is verified by one organization at a time.`}
      />
      <Card withBorder radius="md" p="md" mb="md">
        <form
          onSubmit={form.submit(async (v) => {
            if (await add.run(v.domain)) form.reset();
          })}
        >
          <Group align="flex-end" gap="sm" wrap="wrap">
            <TextInput label="Domain" placeholder="example.com" description="The part after the @ in your people's e-mail addresses" style={{ flex: 1, minWidth: 220 }} data-testid="domain-input" {...form.getInputProps('domain')} />
            <Button type="submit" leftSection={<IconPlus size={16} />} loading={add.busy} data-testid="add-domain">
              Add domain
            </Button>
          </Group>
          {!(add.error && (add.error as { isValidation?: boolean }).isValidation) && <ErrorAlert error={add.error} title="This domain cannot be added" />}
        </form>
      </Card>
      <ErrorAlert error={list.error} />
      <Stack gap="md">
        {list.loading && <Text c="dimmed">Loading your domains…</Text>}
        {!list.loading && !list.error && rows.length === 0 && (
          <Card withBorder radius="md" p="lg" data-testid="domains-empty">
            <Group gap="sm" wrap="nowrap" align="flex-start">
              <IconWorldWww size={28} stroke={1.4} style={{ flexShrink: 0 }} />
              <Text size="sm" c="dimmed">
                No domains yet. Add the domain of your e-mail addresses above; you will be shown a DNS record to publish that proves the domain is yours.
              </Text>
            </Group>
          </Card>
        )}
        {rows.map((d) => (
          <DomainCard key={d.id} owner={owner} domain={d} />
        ))}
      </Stack>
    </>
  );
}

function DomainCard({ owner, domain: d }: { owner: DomainOwner; domain: OrganizationDomain }) {
  const [removing, setRemoving] = useState(false);
  const check = useApiMutation(() => domainsApi.check(owner, d.id), {
    notifyError: true,
    // a failed check is told on the card itself, in red, with its reason
    success: (r) => (r.status === 'verified' ? `${r.domain} is verified.` : ''),
    invalidates: [domainKeys.of(owner)],
  });
  const remove = useApiMutation(() => domainsApi.remove(owner, d.id), { success: `${d.domain} removed.`, invalidates: [domainKeys.of(owner)], onDone: () => setRemoving(false) });
  return (
    <Card withBorder radius="md" p="md" data-testid="domain" data-domain={d.domain}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
          <Group gap="xs" style={{ minWidth: 0 }}>
            <Text fw={600} style={{ wordBreak: 'break-all' }}>
              {d.domain}
            </Text>
            <DomainStatusBadge status={d.status} />
          </Group>
          <Group gap="xs">
            <Button size="xs" onClick={() => void check.run()} loading={check.busy} data-testid="check-domain">
              {d.status === 'verified' ? 'Check again' : 'Check'}
            </Button>
            <Button size="xs" variant="subtle" color="red" onClick={() => setRemoving(true)}>
              Remove
            </Button>
          </Group>
        </Group>
        {d.status === 'failed' && d.last_check_result && (
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={16} />} p="xs" data-testid="check-result">
            <Text size="sm">
              Check failed {d.last_checked_at ? timeAgo(d.last_checked_at) : ''}: {d.last_check_result}
            </Text>
          </Alert>
        )}
        {d.taken_elsewhere && (
          <Alert color="orange" variant="light" p="xs">
            <Text size="sm">Another organization has already verified {d.domain}. It can be verified here only once they give it up; ask the platform operator if you believe it is yours.</Text>
          </Alert>
        )}
        {d.status === 'verified' ? (
          <Text size="sm" c="dimmed" data-testid="verified-note">
            Verified {formatDateTime(d.verified_at)}
            {d.last_checked_at ? `, last checked ${timeAgo(d.last_checked_at)}` : ''}. Keep the TXT record published: if it is taken away, the next check marks the domain as not verified.
          </Text>
        ) : (
          <Stack gap="xs">
            <Text size="sm">
              Prove you own <b>{d.domain}</b>: add this TXT record at your DNS provider, then press Check. Partnergate looks it up at <b>{d.record.name}</b>, so your other records stay as they are. A new record can take a few minutes to appear.
            </Text>
            <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
              <CopyField label="Record name (host)" value={d.record.name} testId="record-name" />
              <CopyField label="Record value (TXT)" value={d.record.value} testId="record-value" />
            </SimpleGrid>
          </Stack>
        )}
      </Stack>
      <Modal opened={removing} onClose={() => setRemoving(false)} title={`Remove ${d.domain}?`}>
        <Stack>
          <Text size="sm">
            {d.status === 'verified'
              ? `${d.domain} will no longer be verified for your organization, and another organization may then verify it. You can add it again later; you will get a new record to publish.`
              : `The claim and its DNS record value are forgotten. You can add ${d.domain} again later.`}
          </Text>
          <ErrorAlert error={remove.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRemoving(false)}>
              Keep it
            </Button>
            <Button color="red" onClick={() => void remove.run()} loading={remove.busy} data-testid="confirm-remove">
              Remove
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}
