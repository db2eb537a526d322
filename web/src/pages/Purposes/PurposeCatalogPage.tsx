/**
 * Operator: the purpose catalog — what a partner may be granted access to a customer's data for
 * (billing management, support, ordering on the customer's behalf, …), in the words customers read
 * on the consent screen — and, for each gateway route, the purpose a partner must hold to use it.
 */
import { useState } from 'react';
import { Badge, Button, Group, Modal, Select, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';
import { purposesApi, type GatewayRouteDto, type PurposeDto, type PurposeInput } from '../../api/purposes.ts';
import { purposeKeys } from '../../api/keys/purposes.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { required, useApiForm } from '../../query/form.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';

const msg = defineMessages({
  retired: { id: 'purposes.retired', defaultMessage: '{purpose} is retired: no partner can be granted it any more.' },
  title: { id: 'purposes.title', defaultMessage: 'Purposes' },
  description: {
    id: 'purposes.description',
    defaultMessage:
      "What a partner may be granted access to a customer's data for. Customers see these names and descriptions on the consent screen and under Partners with access, and can take back each one on its own.",
  },
  add: { id: 'purposes.add', defaultMessage: 'Add a purpose' },
  empty: { id: 'purposes.empty', defaultMessage: 'No purposes yet. Add the first one.' },
  purpose: { id: 'purposes.column.purpose', defaultMessage: 'Purpose' },
  offered: { id: 'purposes.column.offered', defaultMessage: 'Offered' },
  offeredValue: { id: 'purposes.status.offered', defaultMessage: 'Offered to partners' },
  retiredValue: { id: 'purposes.status.retired', defaultMessage: 'Retired' },
  source: { id: 'purposes.column.source', defaultMessage: 'Source' },
  builtIn: { id: 'purposes.source.built_in', defaultMessage: 'Comes with the platform' },
  custom: { id: 'purposes.source.custom', defaultMessage: 'Added by you' },
  changeWordsOf: { id: 'purposes.change_words.aria', defaultMessage: 'Change words of {purpose}' },
  changeWords: { id: 'purposes.change_words', defaultMessage: 'Change words' },
  retireOf: { id: 'purposes.retire.aria', defaultMessage: 'Retire {purpose}' },
  retire: { id: 'purposes.retire', defaultMessage: 'Retire' },
  editTitle: { id: 'purposes.edit_title', defaultMessage: 'Change the words of {purpose}' },
  routeRequires: { id: 'purposes.routes.now_requires', defaultMessage: '{route} now requires {purpose}.' },
  routeRequiresNone: { id: 'purposes.routes.now_requires_none', defaultMessage: '{route} requires no purpose now.' },
  noPurpose: { id: 'purposes.routes.no_purpose', defaultMessage: 'No purpose needed' },
  routesEmpty: { id: 'purposes.routes.empty', defaultMessage: 'The gateway has no routes.' },
  route: { id: 'purposes.routes.column.route', defaultMessage: 'Route' },
  needsPermission: { id: 'purposes.routes.needs_permission', defaultMessage: 'Needs the permission {permission}' },
  needsAccess: { id: 'purposes.routes.needs_access', defaultMessage: 'Needs access to the customer' },
  requires: { id: 'purposes.routes.column.requires', defaultMessage: 'Requires purpose' },
  requiredBy: { id: 'purposes.routes.required_by', defaultMessage: 'Purpose required by {route}' },
  saved: { id: 'purposes.form.saved', defaultMessage: '{purpose} saved.' },
  idRequired: { id: 'purposes.form.id_required', defaultMessage: 'Give the purpose an id.' },
  idInvalid: {
    id: 'purposes.form.id_invalid',
    defaultMessage: 'Lowercase letters, digits and underscores, starting with a letter (e.g. network_diagnostics).',
  },
  nameRequired: { id: 'purposes.form.name_required', defaultMessage: 'Name the purpose in a few words.' },
  descriptionRequired: { id: 'purposes.form.description_required', defaultMessage: 'Say in a sentence what the partner may do for it.' },
  id: { id: 'purposes.form.id', defaultMessage: 'Id' },
  idDescription: { id: 'purposes.form.id.description', defaultMessage: 'What apps ask for and tokens carry; it cannot change later.' },
  name: { id: 'purposes.form.name', defaultMessage: 'Name' },
  nameDescription: { id: 'purposes.form.name.description', defaultMessage: 'As customers read it, e.g. Network diagnostics.' },
  what: { id: 'purposes.form.description', defaultMessage: 'What the partner may do for it' },
  whatDescription: { id: 'purposes.form.description.description', defaultMessage: 'One sentence a customer understands.' },
  save: { id: 'purposes.form.save', defaultMessage: 'Save' },
  addSubmit: { id: 'purposes.form.add', defaultMessage: 'Add purpose' },
});

export function PurposeCatalogPage() {
  const intl = useIntl();
  const catalog = useApiQuery(purposeKeys.catalog(true), () => purposesApi.list(true));
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<PurposeDto | null>(null);
  const retire = useApiMutation((id: string) => purposesApi.retire(id), { success: (p) => intl.formatMessage(msg.retired, { purpose: p.name }), notifyError: true, invalidates: [purposeKeys.all] });
  return (
    <>
      <PageHeader
        title={intl.formatMessage(msg.title)}
        description={intl.formatMessage(msg.description)}
        actions={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)}>
            {intl.formatMessage(msg.add)}
          </Button>
        }
      />
      <ErrorAlert error={catalog.error} />
      <DataTable
        testId="purpose-catalog"
        records={catalog.data?.data}
        rowKey={(p) => p.id}
        loading={catalog.loading}
        empty={intl.formatMessage(msg.empty)}
        rowProps={(p) => ({ 'data-purpose': p.id })}
        columns={[
          {
            key: 'name',
            title: intl.formatMessage(msg.purpose),
            mobile: 'title',
            sortValue: (p) => p.name,
            render: (p) => (
              <Stack gap={2}>
                <Text fw={500}>{p.name}</Text>
                <Text size="sm">{p.description}</Text>
              </Stack>
            ),
          },
          {
            key: 'status',
            title: intl.formatMessage(msg.offered),
            render: (p) => (
              <Badge variant="light" color={p.status === 'active' ? 'teal' : 'gray'}>
                {p.status === 'active' ? intl.formatMessage(msg.offeredValue) : intl.formatMessage(msg.retiredValue)}
              </Badge>
            ),
          },
          { key: 'kind', title: intl.formatMessage(msg.source), render: (p) => (p.built_in ? intl.formatMessage(msg.builtIn) : intl.formatMessage(msg.custom)) },
          {
            key: 'actions',
            title: '',
            mobile: 'footer',
            render: (p) =>
              p.status === 'retired' ? null : (
                <Group gap="xs" wrap="nowrap">
                  <Button size="xs" variant="default" onClick={() => setEditing(p)} aria-label={intl.formatMessage(msg.changeWordsOf, { purpose: p.name })}>
                    {intl.formatMessage(msg.changeWords)}
                  </Button>
                  <Button size="xs" variant="subtle" color="red" onClick={() => void retire.run(p.id)} aria-label={intl.formatMessage(msg.retireOf, { purpose: p.name })}>
                    {intl.formatMessage(msg.retire)}
                  </Button>
                </Group>
              ),
          },
        ]}
      />
      <RoutePurposes purposes={(catalog.data?.data ?? []).filter((p) => p.status === 'active')} />
      <Modal opened={adding} onClose={() => setAdding(false)} title={intl.formatMessage(msg.add)}>
        <PurposeForm onDone={() => setAdding(false)} />
      </Modal>
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={editing ? intl.formatMessage(msg.editTitle, { purpose: editing.name }) : ''}>
        {editing && <PurposeForm existing={editing} onDone={() => setEditing(null)} />}
      </Modal>
    </>
  );
}

/** The gateway's routes, each with the purpose a partner must hold to use it ("Requires purpose"). */
function RoutePurposes({ purposes }: { purposes: PurposeDto[] }) {
  const intl = useIntl();
  const routes = useApiQuery(purposeKeys.routes, () => purposesApi.routes());
  const set = useApiMutation((r: GatewayRouteDto, purposeId: string | null) => purposesApi.setRoutePurpose(r.method, r.pattern, purposeId), {
    success: (r) =>
      r.purpose
        ? intl.formatMessage(msg.routeRequires, { route: `${r.method} ${r.pattern}`, purpose: purposes.find((p) => p.id === r.purpose)?.name ?? r.purpose })
        : intl.formatMessage(msg.routeRequiresNone, { route: `${r.method} ${r.pattern}` }),
    notifyError: true,
    invalidates: [purposeKeys.routes],
  });
  const options = [{ value: '', label: intl.formatMessage(msg.noPurpose) }, ...purposes.map((p) => ({ value: p.id, label: p.name }))];
  return (
    <Stack gap="xs" mt="xl">
      <Title order={2} size="h4">
        <FormattedMessage id="purposes.routes.title" defaultMessage="Gateway routes and the purpose each requires" />
      </Title>
      <Text size="sm">
        <FormattedMessage
          id="purposes.routes.explained"
          defaultMessage="A partner whose access was not granted the purpose a route requires is refused on that route, on every instance from its next request."
        />
      </Text>
      <ErrorAlert error={routes.error} />
      <DataTable
        testId="route-purposes"
        records={routes.data?.data}
        rowKey={(r) => `${r.method} ${r.pattern}`}
        loading={routes.loading}
        empty={intl.formatMessage(msg.routesEmpty)}
        rowProps={(r) => ({ 'data-route': `${r.method} ${r.pattern}` })}
        columns={[
          {
            key: 'route',
            title: intl.formatMessage(msg.route),
            mobile: 'title',
            sortValue: (r) => r.pattern,
            render: (r) => (
              <Stack gap={0} data-technical>
                <Text ff="monospace" size="sm" style={{ overflowWrap: 'anywhere' }}>
                  {r.method} {r.pattern}
                </Text>
                <Text size="xs">{r.permission ? intl.formatMessage(msg.needsPermission, { permission: r.permission }) : intl.formatMessage(msg.needsAccess)}</Text>
              </Stack>
            ),
          },
          {
            key: 'purpose',
            title: intl.formatMessage(msg.requires),
            render: (r) => (
              <Select
                aria-label={intl.formatMessage(msg.requiredBy, { route: `${r.method} ${r.pattern}` })}
                data={options}
                value={r.purpose ?? ''}
                allowDeselect={false}
                onChange={(v) => void set.run(r, v === '' || v === null ? null : v)}
                w={220}
              />
            ),
          },
        ]}
      />
    </Stack>
  );
}

function PurposeForm({ existing, onDone }: { existing?: PurposeDto; onDone(): void }) {
  const intl = useIntl();
  const save = useApiMutation((body: PurposeInput) => (existing ? purposesApi.update(existing.id, { name: body.name, description: body.description }) : purposesApi.create(body)), {
    success: (p) => intl.formatMessage(msg.saved, { purpose: p.name }),
    onDone,
    invalidates: [purposeKeys.all],
  });
  const form = useApiForm<PurposeInput>(
    {
      initialValues: { id: existing?.id ?? '', name: existing?.name ?? '', description: existing?.description ?? '' },
      validate: {
        id: (v) => required(v, intl.formatMessage(msg.idRequired)) ?? (/^[a-z][a-z0-9_]{1,63}$/.test(v) ? undefined : intl.formatMessage(msg.idInvalid)),
        name: (v) => required(v, intl.formatMessage(msg.nameRequired)),
        description: (v) => required(v, intl.formatMessage(msg.descriptionRequired)),
      },
    },
    save,
    { resetWhen: true },
  );
  return (
    <form noValidate onSubmit={form.submit((v) => save.run({ id: v.id.trim(), name: v.name.trim(), description: v.description.trim() }))}>
      <Stack>
        <TextInput label={intl.formatMessage(msg.id)} description={intl.formatMessage(msg.idDescription)} withAsterisk disabled={existing !== undefined} {...form.getInputProps('id')} />
        <TextInput label={intl.formatMessage(msg.name)} description={intl.formatMessage(msg.nameDescription)} withAsterisk {...form.getInputProps('name')} />
        <Textarea label={intl.formatMessage(msg.what)} description={intl.formatMessage(msg.whatDescription)} withAsterisk autosize minRows={2} {...form.getInputProps('description')} />
        <ErrorAlert error={save.error} />
        <Group justify="flex-end">
          <Button type="submit" loading={save.busy}>
            {existing ? intl.formatMessage(msg.save) : intl.formatMessage(msg.addSubmit)}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
