/**
 * Operator: the purpose catalog — what a partner may be granted access to a customer's data for
 * (billing management, support, ordering on the customer's behalf, …), in the words customers read
 * on the consent screen — and, for each gateway route, the purpose a partner must hold to use it.
 */
import { useState } from 'react';
import { Badge, Button, Group, Modal, Select, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { purposesApi, type GatewayRouteDto, type PurposeDto, type PurposeInput } from '../../api/purposes.ts';
import { purposeKeys } from '../../api/keys/purposes.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { required, useApiForm } from '../../query/form.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';

export function PurposeCatalogPage() {
  const catalog = useApiQuery(purposeKeys.catalog(true), () => purposesApi.list(true));
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<PurposeDto | null>(null);
  const retire = useApiMutation((id: string) => purposesApi.retire(id), { success: (p) => `${p.name} is retired: no partner can be granted it any more.`, notifyError: true, invalidates: [purposeKeys.all] });
  return (
    <>
      <PageHeader
        title="Purposes"
        description="What a partner may be granted access to a customer's data for. Customers see these names and descriptions on the consent screen and under Partners with access, and can take back each one on its own."
        actions={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)}>
            Add a purpose
          </Button>
        }
      />
      <ErrorAlert error={catalog.error} />
      <DataTable
        testId="purpose-catalog"
        records={catalog.data?.data}
        rowKey={(p) => p.id}
        loading={catalog.loading}
        empty="No purposes yet. Add the first one."
        rowProps={(p) => ({ 'data-purpose': p.id })}
        columns={[
          {
            key: 'name',
            title: 'Purpose',
            mobile: 'title',
            sortValue: (p) => p.name,
            render: (p) => (
              <Stack gap={2}>
                <Text fw={500}>{p.name}</Text>
                <Text size="sm">{p.description}</Text>
              </Stack>
            ),
          },
          { key: 'status', title: 'Offered', render: (p) => <Badge variant="light" color={p.status === 'active' ? 'teal' : 'gray'}>{p.status === 'active' ? 'Offered to partners' : 'Retired'}</Badge> },
          { key: 'kind', title: 'Source', render: (p) => (p.built_in ? 'Comes with the platform' : 'Added by you') },
          {
            key: 'actions',
            title: '',
            mobile: 'footer',
            render: (p) =>
              p.status === 'retired' ? null : (
                <Group gap="xs" wrap="nowrap">
                  <Button size="xs" variant="default" onClick={() => setEditing(p)} aria-label={`Change words of ${p.name}`}>
                    Change words
                  </Button>
                  <Button size="xs" variant="subtle" color="red" onClick={() => void retire.run(p.id)} aria-label={`Retire ${p.name}`}>
                    Retire
                  </Button>
                </Group>
              ),
          },
        ]}
      />
      <RoutePurposes purposes={(catalog.data?.data ?? []).filter((p) => p.status === 'active')} />
      <Modal opened={adding} onClose={() => setAdding(false)} title="Add a purpose">
        <PurposeForm onDone={() => setAdding(false)} />
      </Modal>
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={editing ? `Change the words of ${editing.name}` : ''}>
        {editing && <PurposeForm existing={editing} onDone={() => setEditing(null)} />}
      </Modal>
    </>
  );
}

/** The gateway's routes, each with the purpose a partner must hold to use it ("Requires purpose"). */
function RoutePurposes({ purposes }: { purposes: PurposeDto[] }) {
  const routes = useApiQuery(purposeKeys.routes, () => purposesApi.routes());
  const set = useApiMutation((r: GatewayRouteDto, purposeId: string | null) => purposesApi.setRoutePurpose(r.method, r.pattern, purposeId), {
    success: (r) => (r.purpose ? `${r.method} ${r.pattern} now requires ${purposes.find((p) => p.id === r.purpose)?.name ?? r.purpose}.` : `${r.method} ${r.pattern} requires no purpose now.`),
    notifyError: true,
    invalidates: [purposeKeys.routes],
  });
  const options = [{ value: '', label: 'No purpose needed' }, ...purposes.map((p) => ({ value: p.id, label: p.name }))];
  return (
    <Stack gap="xs" mt="xl">
      <Title order={2} size="h4">
        Gateway routes and the purpose each requires
      </Title>
      <Text size="sm">A partner whose access was not granted the purpose a route requires is refused on that route, on every instance from its next request.</Text>
      <ErrorAlert error={routes.error} />
      <DataTable
        testId="route-purposes"
        records={routes.data?.data}
        rowKey={(r) => `${r.method} ${r.pattern}`}
        loading={routes.loading}
        empty="The gateway has no routes."
        rowProps={(r) => ({ 'data-route': `${r.method} ${r.pattern}` })}
        columns={[
          {
            key: 'route',
            title: 'Route',
            mobile: 'title',
            sortValue: (r) => r.pattern,
            render: (r) => (
              <Stack gap={0} data-technical>
                <Text ff="monospace" size="sm" style={{ overflowWrap: 'anywhere' }}>
                  {r.method} {r.pattern}
                </Text>
                <Text size="xs">{r.permission ? `Needs the permission ${r.permission}` : 'Needs access to the customer'}</Text>
              </Stack>
            ),
          },
          {
            key: 'purpose',
            title: 'Requires purpose',
            render: (r) => (
              <Select
                aria-label={`Purpose required by ${r.method} ${r.pattern}`}
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
  const save = useApiMutation((body: PurposeInput) => (existing ? purposesApi.update(existing.id, { name: body.name, description: body.description }) : purposesApi.create(body)), {
    success: (p) => `${p.name} saved.`,
    onDone,
    invalidates: [purposeKeys.all],
  });
  const form = useApiForm<PurposeInput>(
    {
      initialValues: { id: existing?.id ?? '', name: existing?.name ?? '', description: existing?.description ?? '' },
      validate: {
        id: (v) => required(v, 'Give the purpose an id.') ?? (/^[a-z][a-z0-9_]{1,63}$/.test(v) ? undefined : 'Lowercase letters, digits and underscores, starting with a letter (e.g. network_diagnostics).'),
        name: (v) => required(v, 'Name the purpose in a few words.'),
        description: (v) => required(v, 'Say in a sentence what the partner may do for it.'),
      },
    },
    save,
    { resetWhen: true },
  );
  return (
    <form noValidate onSubmit={form.submit((v) => save.run({ id: v.id.trim(), name: v.name.trim(), description: v.description.trim() }))}>
      <Stack>
        <TextInput label="Id" description="What apps ask for and tokens carry; it cannot change later." withAsterisk disabled={existing !== undefined} {...form.getInputProps('id')} />
        <TextInput label="Name" description="As customers read it, e.g. Network diagnostics." withAsterisk {...form.getInputProps('name')} />
        <Textarea label="What the partner may do for it" description="One sentence a customer understands." withAsterisk autosize minRows={2} {...form.getInputProps('description')} />
        <ErrorAlert error={save.error} />
        <Group justify="flex-end">
          <Button type="submit" loading={save.busy}>
            {existing ? 'Save' : 'Add purpose'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
