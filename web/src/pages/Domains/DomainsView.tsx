/**
 * A partner's or a tenant's sign-in domains: add the e-mail domain its people use, publish the TXT
 * record shown, press Check; the answer (verified, or why not) is shown in words. Remove gives a
 * domain up.
 */
import { useState } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
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
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  added: { id: 'domains.added', defaultMessage: '{domain} added: publish its TXT record, then press Check.' },
  domainRequired: { id: 'domains.domain_required', defaultMessage: 'Enter a domain, such as example.com.' },
  title: { id: 'domains.title', defaultMessage: 'Sign-in domains' },
  description: {
    id: 'domains.description',
    defaultMessage:
      "Prove that {who} owns the e-mail domains its people use, such as example.com. Single sign-on will only send people to your company's own sign-in page for domains verified here. Each domain is verified by one organization at a time.",
  },
  domain: { id: 'domains.domain', defaultMessage: 'Domain' },
  domainPlaceholder: { id: 'domains.domain_placeholder', defaultMessage: 'example.com' },
  domainHelp: { id: 'domains.domain_help', defaultMessage: "The part after the @ in your people's e-mail addresses" },
  add: { id: 'domains.add', defaultMessage: 'Add domain' },
  cannotAdd: { id: 'domains.cannot_add', defaultMessage: 'This domain cannot be added' },
  loading: { id: 'domains.loading', defaultMessage: 'Loading your domains…' },
  empty: {
    id: 'domains.empty',
    defaultMessage:
      'No domains yet. Add the domain of your e-mail addresses above; you will be shown a DNS record to publish that proves the domain is yours.',
  },
  verified: { id: 'domains.verified', defaultMessage: '{domain} is verified.' },
  removed: { id: 'domains.removed', defaultMessage: '{domain} removed.' },
  checkAgain: { id: 'domains.check_again', defaultMessage: 'Check again' },
  check: { id: 'domains.check', defaultMessage: 'Check' },
  remove: { id: 'domains.remove', defaultMessage: 'Remove' },
  checkFailed: { id: 'domains.check_failed', defaultMessage: '{when, select, yes {Check failed {ago}: {result}} other {Check failed : {result}}}' },
  takenElsewhere: {
    id: 'domains.taken_elsewhere',
    defaultMessage:
      'Another organization has already verified {domain}. It can be verified here only once they give it up; ask the platform operator if you believe it is yours.',
  },
  verifiedNote: {
    id: 'domains.verified_note',
    defaultMessage:
      '{checked, select, yes {Verified {date}, last checked {ago}. Keep the TXT record published: if it is taken away, the next check marks the domain as not verified.} other {Verified {date}. Keep the TXT record published: if it is taken away, the next check marks the domain as not verified.}}',
  },
  prove: {
    id: 'domains.prove',
    defaultMessage:
      'Prove you own <b>{domain}</b>: add this TXT record at your DNS provider, then press Check. Partnergate looks it up at <b>{name}</b>, so your other records stay as they are. A new record can take a few minutes to appear.',
  },
  recordName: { id: 'domains.record_name', defaultMessage: 'Record name (host)' },
  recordNameCopy: { id: 'domains.record_name_copy', defaultMessage: 'the record name (host)' },
  recordValue: { id: 'domains.record_value', defaultMessage: 'Record value (TXT)' },
  recordValueCopy: { id: 'domains.record_value_copy', defaultMessage: 'the record value (txt)' },
  removeTitle: { id: 'domains.remove_title', defaultMessage: 'Remove {domain}?' },
  removeVerified: {
    id: 'domains.remove_verified',
    defaultMessage:
      '{domain} will no longer be verified for your organization, and another organization may then verify it. You can add it again later; you will get a new record to publish.',
  },
  removeClaim: { id: 'domains.remove_claim', defaultMessage: 'The claim and its DNS record value are forgotten. You can add {domain} again later.' },
  keep: { id: 'domains.keep', defaultMessage: 'Keep it' },
});

export function DomainsView({ owner, who }: { owner: DomainOwner; /** the organization's name */ who: string }) {
  const intl = useIntl();
  const list = useApiQuery(domainKeys.of(owner), () => domainsApi.list(owner));
  const add = useApiMutation((domain: string) => domainsApi.add(owner, domain), { success: (d) => intl.formatMessage(m.added, { domain: d.domain }), invalidates: [domainKeys.of(owner)] });
  const form = useApiForm({ initialValues: { domain: '' }, validate: { domain: (v: string) => required(v, intl.formatMessage(m.domainRequired)) } }, add);
  const rows = list.data?.data ?? [];
  return (
    <>
      <PageHeader
        title={intl.formatMessage(m.title)}
        description={intl.formatMessage(m.description, { who })}
      />
      <Card withBorder radius="md" p="md" mb="md">
        <form
          onSubmit={form.submit(async (v) => {
            if (await add.run(v.domain)) form.reset();
          })}
        >
          <Group align="flex-end" gap="sm" wrap="wrap">
            <TextInput
              label={intl.formatMessage(m.domain)}
              placeholder={intl.formatMessage(m.domainPlaceholder)}
              description={intl.formatMessage(m.domainHelp)}
              style={{ flex: 1, minWidth: 220 }} data-testid="domain-input" {...form.getInputProps('domain')} />
            <Button type="submit" leftSection={<IconPlus size={16} />} loading={add.busy} data-testid="add-domain">
              <FormattedMessage {...m.add} />
            </Button>
          </Group>
          {!(add.error && (add.error as { isValidation?: boolean }).isValidation) && <ErrorAlert error={add.error} title={intl.formatMessage(m.cannotAdd)} />}
        </form>
      </Card>
      <ErrorAlert error={list.error} />
      <Stack gap="md">
        {list.loading && (
          <Text c="dimmed">
            <FormattedMessage {...m.loading} />
          </Text>
        )}
        {!list.loading && !list.error && rows.length === 0 && (
          <Card withBorder radius="md" p="lg" data-testid="domains-empty">
            <Group gap="sm" wrap="nowrap" align="flex-start">
              <IconWorldWww size={28} stroke={1.4} style={{ flexShrink: 0 }} />
              <Text size="sm" c="dimmed">
                <FormattedMessage {...m.empty} />
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
  const intl = useIntl();
  const [removing, setRemoving] = useState(false);
  const check = useApiMutation(() => domainsApi.check(owner, d.id), {
    notifyError: true,
    // a failed check is told on the card itself, in red, with its reason
    success: (r) => (r.status === 'verified' ? intl.formatMessage(m.verified, { domain: r.domain }) : ''),
    invalidates: [domainKeys.of(owner)],
  });
  const remove = useApiMutation(() => domainsApi.remove(owner, d.id), { success: intl.formatMessage(m.removed, { domain: d.domain }), invalidates: [domainKeys.of(owner)], onDone: () => setRemoving(false) });
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
              {d.status === 'verified' ? intl.formatMessage(m.checkAgain) : intl.formatMessage(m.check)}
            </Button>
            <Button size="xs" variant="subtle" color="red" onClick={() => setRemoving(true)}>
              <FormattedMessage {...m.remove} />
            </Button>
          </Group>
        </Group>
        {d.status === 'failed' && d.last_check_result && (
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={16} />} p="xs" data-testid="check-result">
            <Text size="sm">
              <FormattedMessage {...m.checkFailed} values={{ when: d.last_checked_at ? 'yes' : 'no', ago: d.last_checked_at ? timeAgo(d.last_checked_at) : '', result: d.last_check_result }} />
            </Text>
          </Alert>
        )}
        {d.taken_elsewhere && (
          <Alert color="orange" variant="light" p="xs">
            <Text size="sm">
              <FormattedMessage {...m.takenElsewhere} values={{ domain: d.domain }} />
            </Text>
          </Alert>
        )}
        {d.status === 'verified' ? (
          <Text size="sm" c="dimmed" data-testid="verified-note">
            <FormattedMessage
              {...m.verifiedNote}
              values={{ checked: d.last_checked_at ? 'yes' : 'no', date: formatDateTime(d.verified_at), ago: d.last_checked_at ? timeAgo(d.last_checked_at) : '' }}
            />
          </Text>
        ) : (
          <Stack gap="xs">
            <Text size="sm">
              <FormattedMessage {...m.prove} values={{ domain: d.domain, name: d.record.name, b: (chunks) => <b>{chunks}</b> }} />
            </Text>
            <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
              <CopyField label={intl.formatMessage(m.recordName)} copyLabel={intl.formatMessage(m.recordNameCopy)} value={d.record.name} testId="record-name" />
              <CopyField label={intl.formatMessage(m.recordValue)} copyLabel={intl.formatMessage(m.recordValueCopy)} value={d.record.value} testId="record-value" />
            </SimpleGrid>
          </Stack>
        )}
      </Stack>
      <Modal opened={removing} onClose={() => setRemoving(false)} title={intl.formatMessage(m.removeTitle, { domain: d.domain })}>
        <Stack>
          <Text size="sm">
            {d.status === 'verified'
              ? intl.formatMessage(m.removeVerified, { domain: d.domain })
              : intl.formatMessage(m.removeClaim, { domain: d.domain })}
          </Text>
          <ErrorAlert error={remove.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRemoving(false)}>
              <FormattedMessage {...m.keep} />
            </Button>
            <Button color="red" onClick={() => void remove.run()} loading={remove.busy} data-testid="confirm-remove">
              <FormattedMessage {...m.remove} />
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}
