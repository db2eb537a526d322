/**
 * Operator: the platform's feature catalog — each feature's default for every partner,
 * its stage (early access, generally available, retired) and whether partners may switch it
 * themselves. Which partner has what is set on each partner's Configuration tab.
 */
import { useState } from 'react';
import { Badge, Button, Group, Menu, Modal, Select, Stack, Switch, Text, TextInput, Textarea } from '@mantine/core';
import { IconDots, IconPlus } from '@tabler/icons-react';
import { featuresApi, LIFECYCLE_LABELS, type FeatureDto, type FeatureInput } from '../../api/features.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { required, useApiForm } from '../../query/form.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { featureKeys } from '../../api/keys/features.ts';

export function FeatureCatalogPage() {
  const catalog = useApiQuery(featureKeys.catalog, () => featuresApi.catalog());
  const [adding, setAdding] = useState(false);
  const update = useApiMutation((key: string, patch: Partial<FeatureDto>) => featuresApi.update(key, patch), { success: (f) => `${f.name} saved.`, notifyError: true, invalidates: [featureKeys.all] });
  const retire = useApiMutation((key: string) => featuresApi.retire(key), { success: (f) => `${f.name} is retired: off for every partner.`, notifyError: true, invalidates: [featureKeys.all] });
  return (
    <>
      <PageHeader
        title="Feature catalog"
        description="The features of the platform that can be switched per partner. A feature's default applies to every partner unless its configuration says otherwise; early-access features start off and are switched on for selected partners."
        actions={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)}>
            Add a feature
          </Button>
        }
      />
      <ErrorAlert error={catalog.error} />
      <DataTable
        testId="feature-catalog"
        records={catalog.data?.data}
        rowKey={(f) => f.key}
        loading={catalog.loading}
        empty="No features yet. Add the first one."
        rowProps={(f) => ({ 'data-feature': f.key })}
        columns={[
          {
            key: 'name',
            title: 'Feature',
            mobile: 'title',
            sortValue: (f) => f.name,
            render: (f) => (
              <Stack gap={2}>
                <Text fw={500}>{f.name}</Text>
                <Text size="xs" c="dimmed">
                  {f.description}
                </Text>
              </Stack>
            ),
          },
          {
            key: 'stage',
            title: 'Stage',
            render: (f) => (
              <Badge variant="light" color={f.lifecycle === 'beta' ? 'grape' : f.lifecycle === 'general' ? 'teal' : 'gray'}>
                {LIFECYCLE_LABELS[f.lifecycle]}
              </Badge>
            ),
          },
          { key: 'default', title: 'For every partner', render: (f) => (f.lifecycle === 'retired' ? 'Off (retired)' : f.default_on ? 'On unless switched off' : 'Off unless switched on') },
          { key: 'optin', title: 'Partners may switch it', render: (f) => (f.opt_in ? 'Yes, their owner' : 'No, only you') },
          {
            key: 'actions',
            title: '',
            mobile: 'footer',
            render: (f) =>
              f.lifecycle === 'retired' ? null : (
                <Menu position="bottom-end">
                  <Menu.Target>
                    <Button size="xs" variant="default" rightSection={<IconDots size={14} />} aria-label={`Change ${f.name}`}>
                      Change
                    </Button>
                  </Menu.Target>
                  <Menu.Dropdown>
                    {f.lifecycle === 'beta' && <Menu.Item onClick={() => void update.run(f.key, { lifecycle: 'general' })}>Make generally available</Menu.Item>}
                    <Menu.Item onClick={() => void update.run(f.key, { default_on: !f.default_on })}>{f.default_on ? 'Default: off for every partner' : 'Default: on for every partner'}</Menu.Item>
                    <Menu.Item onClick={() => void update.run(f.key, { opt_in: !f.opt_in })}>{f.opt_in ? 'Only I switch it' : 'Let partner owners switch it'}</Menu.Item>
                    <Menu.Item color="red" onClick={() => void retire.run(f.key)}>
                      Retire (off for everyone, for good)
                    </Menu.Item>
                  </Menu.Dropdown>
                </Menu>
              ),
          },
        ]}
      />
      <Modal opened={adding} onClose={() => setAdding(false)} title="Add a feature">
        <FeatureForm onDone={() => setAdding(false)} />
      </Modal>
    </>
  );
}

interface Draft {
  key: string;
  name: string;
  description: string;
  lifecycle: 'beta' | 'general';
  default_on: boolean;
  opt_in: boolean;
}

function FeatureForm({ onDone }: { onDone(): void }) {
  const create = useApiMutation((body: FeatureInput) => featuresApi.create(body), { success: (f) => `${f.name} added.`, onDone, invalidates: [featureKeys.all] });
  const form = useApiForm<Draft>(
    {
      initialValues: { key: '', name: '', description: '', lifecycle: 'beta', default_on: false, opt_in: false },
      validate: {
        key: (v) => required(v, 'Give the feature a key.') ?? (/^[a-z][a-z0-9_.-]{0,63}$/.test(v) ? undefined : 'Lowercase letters, digits, dots, dashes and underscores, starting with a letter (e.g. reports.scheduled).'),
        name: (v) => required(v, 'Name the feature.'),
        description: (v) => required(v, 'Say in a sentence what it does.'),
      },
    },
    create,
    { resetWhen: true },
  );
  return (
    <form noValidate onSubmit={form.submit((v) => create.run({ ...v, key: v.key.trim(), name: v.name.trim(), description: v.description.trim() }))}>
      <Stack>
        <TextInput label="Key" description="How the code asks for it; it cannot change later." withAsterisk {...form.getInputProps('key')} />
        <TextInput label="Name" withAsterisk {...form.getInputProps('name')} />
        <Textarea label="What it does" withAsterisk autosize minRows={2} {...form.getInputProps('description')} />
        <Select
          label="Stage"
          data={[
            { value: 'beta', label: LIFECYCLE_LABELS.beta },
            { value: 'general', label: LIFECYCLE_LABELS.general },
          ]}
          allowDeselect={false}
          {...form.getInputProps('lifecycle')}
        />
        <Switch label="On for every partner by default" {...form.getInputProps('default_on', { type: 'checkbox' })} />
        <Switch label="Partner owners may switch it themselves" {...form.getInputProps('opt_in', { type: 'checkbox' })} />
        <ErrorAlert error={create.error} />
        <Group justify="flex-end">
          <Button type="submit" loading={create.busy}>
            Add feature
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
