/**
 * One access template's form (the operator's and a partner's own): its name and description, the
 * role it grants with extra permissions, and the longest and proposed durations. The permissions
 * it gives are listed as sentences below the role, as the server reads them back.
 */
import { useEffect, useState } from 'react';
import { Anchor, Button, Group, List, Modal, NumberInput, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import type { AccessTemplate, TemplateBody } from '../../api/accessRequests.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PermissionPicker } from '../../components/PermissionPicker.tsx';
import { useApiMutation } from '../../query/query.ts';
import { useDelegationRoles } from '../Delegations/useDelegationRoles.ts';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  saved: { id: 'access_requests.template_editor.saved', defaultMessage: '"{name}" saved. Partners can ask with it from now on.' },
  editTitle: { id: 'access_requests.template_editor.edit_title', defaultMessage: 'Edit "{name}"' },
  newTitle: { id: 'access_requests.template_editor.new_title', defaultMessage: 'New access template' },
  name: { id: 'access_requests.template_editor.name', defaultMessage: 'Name' },
  nameHelp: { id: 'access_requests.template_editor.name_help', defaultMessage: 'What partners and customers read, e.g. “Billing and tickets”' },
  description: { id: 'access_requests.template_editor.description', defaultMessage: 'Description' },
  descriptionHelp: { id: 'access_requests.template_editor.description_help', defaultMessage: 'What the access is for, in a sentence or two' },
  role: { id: 'access_requests.template_editor.role', defaultMessage: 'Role it grants' },
  extra: { id: 'access_requests.template_editor.extra', defaultMessage: 'Extra permissions' },
  extraHelp: { id: 'access_requests.template_editor.extra_help', defaultMessage: 'Granted on top of the role (the Delegate role has none of its own)' },
  maxDays: { id: 'access_requests.template_editor.max_days', defaultMessage: 'Longest duration (days)' },
  defaultDays: { id: 'access_requests.template_editor.default_days', defaultMessage: 'Proposed duration (days)' },
  cancel: { id: 'common.cancel', defaultMessage: 'Cancel' },
  save: { id: 'access_requests.template_editor.save', defaultMessage: 'Save template' },
  nothing: { id: 'access_requests.permissions.nothing', defaultMessage: 'Nothing of its own' },
  more: { id: 'access_requests.permissions.more', defaultMessage: 'and {count, plural, other {# more}}' },
});

export function TemplateEditor(props: { opened: boolean; template: AccessTemplate | null; onClose: () => void; save: (body: TemplateBody) => Promise<AccessTemplate>; onSaved: () => void }) {
  const roles = useDelegationRoles();
  const intl = useIntl();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [role, setRole] = useState<string | null>('MSP_SUPPORT');
  const [grants, setGrants] = useState<string[]>([]);
  const [maxDays, setMaxDays] = useState<number>(90);
  const [defaultDays, setDefaultDays] = useState<number>(30);
  // biome-ignore lint/correctness/useExhaustiveDependencies: reopening the form resets it to the template
  useEffect(() => {
    const t = props.template;
    setName(t?.name ?? '');
    setDescription(t?.description ?? '');
    setRole(t?.role ?? 'MSP_SUPPORT');
    setGrants(t?.grants ?? []);
    setMaxDays(t?.max_days ?? 90);
    setDefaultDays(t?.default_days ?? 30);
  }, [props.template, props.opened]);
  const save = useApiMutation(() => props.save({ name, description, role: role ?? '', grants, max_days: maxDays, default_days: defaultDays }), {
    success: (t) => intl.formatMessage(m.saved, { name: t.name }),
    onDone: () => {
      props.onSaved();
      props.onClose();
    },
  });
  const chosen = role ? roles.get(role) : undefined;
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={props.template ? intl.formatMessage(m.editTitle, { name: props.template.name }) : intl.formatMessage(m.newTitle)} size="lg">
      <Stack gap="sm">
        <TextInput
          label={intl.formatMessage(m.name)}
          description={intl.formatMessage(m.nameHelp)} value={name} onChange={(e) => setName(e.currentTarget.value)} required maxLength={80} />
        <Textarea
          label={intl.formatMessage(m.description)}
          description={intl.formatMessage(m.descriptionHelp)} value={description} onChange={(e) => setDescription(e.currentTarget.value)} required maxLength={500} autosize minRows={2} />
        <Select label={intl.formatMessage(m.role)} data={roles.linkRoles.map((r) => ({ value: r.id, label: r.name }))} value={role} onChange={setRole} allowDeselect={false} />
        {chosen && (
          <Text size="sm" c="dimmed">
            {chosen.description}
          </Text>
        )}
        <PermissionPicker label={intl.formatMessage(m.extra)} description={intl.formatMessage(m.extraHelp)} value={grants} onChange={setGrants} clearable />
        <Group grow align="flex-start" wrap="wrap">
          <NumberInput label={intl.formatMessage(m.maxDays)} value={maxDays} onChange={(v) => setMaxDays(Number(v) || 1)} min={1} max={730} miw={180} />
          <NumberInput label={intl.formatMessage(m.defaultDays)} value={defaultDays} onChange={(v) => setDefaultDays(Number(v) || 1)} min={1} max={maxDays} miw={180} />
        </Group>
        <ErrorAlert error={save.error ?? roles.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose}>
            <FormattedMessage {...m.cancel} />
          </Button>
          <Button onClick={() => void save.run()} loading={save.busy} disabled={!name.trim() || !description.trim() || !role}>
            <FormattedMessage {...m.save} />
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** A template's permissions as a short list of sentences; "and N more" opens the rest, so every one can be read. */
export function PermissionSentences({ template, max = 6 }: { template: Pick<AccessTemplate, 'permissions'>; max?: number }) {
  const [all, setAll] = useState(false);
  const shown = all ? template.permissions : template.permissions.slice(0, max);
  const more = template.permissions.length - shown.length;
  if (template.permissions.length === 0)
    return (
      <Text size="sm">
        <FormattedMessage {...m.nothing} />
      </Text>
    );
  return (
    <List size="sm" spacing={2}>
      {shown.map((p) => (
        <List.Item key={p.name}>{p.sentence.charAt(0).toUpperCase() + p.sentence.slice(1)}</List.Item>
      ))}
      {more > 0 && (
        <List.Item>
          <Anchor component="button" type="button" fz="inherit" onClick={() => setAll(true)} data-testid="permissions-more">
            <FormattedMessage {...m.more} values={{ count: more }} />
          </Anchor>
        </List.Item>
      )}
    </List>
  );
}
