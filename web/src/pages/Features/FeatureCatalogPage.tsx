/**
 * Operator: the platform's feature catalog — each feature's default for every partner,
 * its stage (early access, generally available, retired) and whether partners may switch it
 * themselves. Which partner has what is set on each partner's Configuration tab.
 */
import { useState } from 'react';
import { Badge, Button, Group, Menu, Modal, Select, Stack, Switch, Text, TextInput, Textarea } from '@mantine/core';
import { IconDots, IconPlus } from '@tabler/icons-react';
import { FormattedMessage, useIntl } from 'react-intl';
import { featuresApi, type FeatureDto, type FeatureInput } from '../../api/features.ts';
import { defineMessages } from '../../i18n/define.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { required, useApiForm } from '../../query/form.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { featureKeys } from '../../api/keys/features.ts';
import { LIFECYCLE_LABELS as LIFECYCLE } from '../../components/lifecycleLabels.ts';


const msg = defineMessages({
  saved: { id: 'features.catalog.saved', defaultMessage: '{feature} saved.' },
  retired: { id: 'features.catalog.retired', defaultMessage: '{feature} is retired: off for every partner.' },
  title: { id: 'features.catalog.title', defaultMessage: 'Feature catalog' },
  description: {
    id: 'features.catalog.description',
    defaultMessage:
      "The features of the platform that can be switched per partner. A feature's default applies to every partner unless its configuration says otherwise; early-access features start off and are switched on for selected partners.",
  },
  add: { id: 'features.catalog.add', defaultMessage: 'Add a feature' },
  empty: { id: 'features.catalog.empty', defaultMessage: 'No features yet. Add the first one.' },
  feature: { id: 'features.catalog.column.feature', defaultMessage: 'Feature' },
  stage: { id: 'features.catalog.column.stage', defaultMessage: 'Stage' },
  forEvery: { id: 'features.catalog.column.default', defaultMessage: 'For every partner' },
  offRetired: { id: 'features.catalog.default.retired', defaultMessage: 'Off (retired)' },
  onUnless: { id: 'features.catalog.default.on', defaultMessage: 'On unless switched off' },
  offUnless: { id: 'features.catalog.default.off', defaultMessage: 'Off unless switched on' },
  mayswitch: { id: 'features.catalog.column.opt_in', defaultMessage: 'Partners may switch it' },
  yesOwner: { id: 'features.catalog.opt_in.yes', defaultMessage: 'Yes, their owner' },
  noOnlyYou: { id: 'features.catalog.opt_in.no', defaultMessage: 'No, only you' },
  changeAria: { id: 'features.catalog.change.aria', defaultMessage: 'Change {feature}' },
  change: { id: 'features.catalog.change', defaultMessage: 'Change' },
  makeGeneral: { id: 'features.catalog.make_general', defaultMessage: 'Make generally available' },
  defaultOff: { id: 'features.catalog.default_off', defaultMessage: 'Default: off for every partner' },
  defaultOn: { id: 'features.catalog.default_on', defaultMessage: 'Default: on for every partner' },
  onlyI: { id: 'features.catalog.only_i', defaultMessage: 'Only I switch it' },
  letOwners: { id: 'features.catalog.let_owners', defaultMessage: 'Let partner owners switch it' },
  retire: { id: 'features.catalog.retire', defaultMessage: 'Retire (off for everyone, for good)' },
  added: { id: 'features.catalog.added', defaultMessage: '{feature} added.' },
  keyRequired: { id: 'features.catalog.form.key_required', defaultMessage: 'Give the feature a key.' },
  keyInvalid: {
    id: 'features.catalog.form.key_invalid',
    defaultMessage: 'Lowercase letters, digits, dots, dashes and underscores, starting with a letter (e.g. reports.scheduled).',
  },
  nameRequired: { id: 'features.catalog.form.name_required', defaultMessage: 'Name the feature.' },
  descriptionRequired: { id: 'features.catalog.form.description_required', defaultMessage: 'Say in a sentence what it does.' },
  key: { id: 'features.catalog.form.key', defaultMessage: 'Key' },
  keyDescription: { id: 'features.catalog.form.key.description', defaultMessage: 'How the code asks for it; it cannot change later.' },
  name: { id: 'features.catalog.form.name', defaultMessage: 'Name' },
  what: { id: 'features.catalog.form.description', defaultMessage: 'What it does' },
  defaultOnField: { id: 'features.catalog.form.default_on', defaultMessage: 'On for every partner by default' },
  optInField: { id: 'features.catalog.form.opt_in', defaultMessage: 'Partner owners may switch it themselves' },
});

export function FeatureCatalogPage() {
  const intl = useIntl();
  const catalog = useApiQuery(featureKeys.catalog, () => featuresApi.catalog());
  const [adding, setAdding] = useState(false);
  const update = useApiMutation((key: string, patch: Partial<FeatureDto>) => featuresApi.update(key, patch), { success: (f) => intl.formatMessage(msg.saved, { feature: f.name }), notifyError: true, invalidates: [featureKeys.all] });
  const retire = useApiMutation((key: string) => featuresApi.retire(key), { success: (f) => intl.formatMessage(msg.retired, { feature: f.name }), notifyError: true, invalidates: [featureKeys.all] });
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
        testId="feature-catalog"
        records={catalog.data?.data}
        rowKey={(f) => f.key}
        loading={catalog.loading}
        empty={intl.formatMessage(msg.empty)}
        rowProps={(f) => ({ 'data-feature': f.key })}
        columns={[
          {
            key: 'name',
            title: intl.formatMessage(msg.feature),
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
            title: intl.formatMessage(msg.stage),
            render: (f) => (
              <Badge variant="light" color={f.lifecycle === 'beta' ? 'grape' : f.lifecycle === 'general' ? 'teal' : 'gray'}>
                {intl.formatMessage(LIFECYCLE[f.lifecycle])}
              </Badge>
            ),
          },
          {
            key: 'default',
            title: intl.formatMessage(msg.forEvery),
            render: (f) => intl.formatMessage(f.lifecycle === 'retired' ? msg.offRetired : f.default_on ? msg.onUnless : msg.offUnless),
          },
          { key: 'optin', title: intl.formatMessage(msg.mayswitch), render: (f) => intl.formatMessage(f.opt_in ? msg.yesOwner : msg.noOnlyYou) },
          {
            key: 'actions',
            title: '',
            mobile: 'footer',
            render: (f) =>
              f.lifecycle === 'retired' ? null : (
                <Menu position="bottom-end">
                  <Menu.Target>
                    <Button size="xs" variant="default" rightSection={<IconDots size={14} />} aria-label={intl.formatMessage(msg.changeAria, { feature: f.name })}>
                      {intl.formatMessage(msg.change)}
                    </Button>
                  </Menu.Target>
                  <Menu.Dropdown>
                    {f.lifecycle === 'beta' && <Menu.Item onClick={() => void update.run(f.key, { lifecycle: 'general' })}>{intl.formatMessage(msg.makeGeneral)}</Menu.Item>}
                    <Menu.Item onClick={() => void update.run(f.key, { default_on: !f.default_on })}>{f.default_on ? intl.formatMessage(msg.defaultOff) : intl.formatMessage(msg.defaultOn)}</Menu.Item>
                    <Menu.Item onClick={() => void update.run(f.key, { opt_in: !f.opt_in })}>{f.opt_in ? intl.formatMessage(msg.onlyI) : intl.formatMessage(msg.letOwners)}</Menu.Item>
                    <Menu.Item color="red" onClick={() => void retire.run(f.key)}>
                      {intl.formatMessage(msg.retire)}
                    </Menu.Item>
                  </Menu.Dropdown>
                </Menu>
              ),
          },
        ]}
      />
      <Modal opened={adding} onClose={() => setAdding(false)} title={intl.formatMessage(msg.add)}>
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
  const intl = useIntl();
  const create = useApiMutation((body: FeatureInput) => featuresApi.create(body), { success: (f) => intl.formatMessage(msg.added, { feature: f.name }), onDone, invalidates: [featureKeys.all] });
  const form = useApiForm<Draft>(
    {
      initialValues: { key: '', name: '', description: '', lifecycle: 'beta', default_on: false, opt_in: false },
      validate: {
        key: (v) => required(v, intl.formatMessage(msg.keyRequired)) ?? (/^[a-z][a-z0-9_.-]{0,63}$/.test(v) ? undefined : intl.formatMessage(msg.keyInvalid)),
        name: (v) => required(v, intl.formatMessage(msg.nameRequired)),
        description: (v) => required(v, intl.formatMessage(msg.descriptionRequired)),
      },
    },
    create,
    { resetWhen: true },
  );
  return (
    <form noValidate onSubmit={form.submit((v) => create.run({ ...v, key: v.key.trim(), name: v.name.trim(), description: v.description.trim() }))}>
      <Stack>
        <TextInput label={intl.formatMessage(msg.key)} description={intl.formatMessage(msg.keyDescription)} withAsterisk {...form.getInputProps('key')} />
        <TextInput label={intl.formatMessage(msg.name)} withAsterisk {...form.getInputProps('name')} />
        <Textarea label={intl.formatMessage(msg.what)} withAsterisk autosize minRows={2} {...form.getInputProps('description')} />
        <Select
          label={intl.formatMessage(msg.stage)}
          data={[
            { value: 'beta', label: intl.formatMessage(LIFECYCLE.beta) },
            { value: 'general', label: intl.formatMessage(LIFECYCLE.general) },
          ]}
          allowDeselect={false}
          {...form.getInputProps('lifecycle')}
        />
        <Switch label={intl.formatMessage(msg.defaultOnField)} {...form.getInputProps('default_on', { type: 'checkbox' })} />
        <Switch label={intl.formatMessage(msg.optInField)} {...form.getInputProps('opt_in', { type: 'checkbox' })} />
        <ErrorAlert error={create.error} />
        <Group justify="flex-end">
          <Button type="submit" loading={create.busy}>
            <FormattedMessage id="features.catalog.form.submit" defaultMessage="Add feature" />
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
