/**
 * Choose permissions in plain words ("Read invoices", "Open support tickets"), grouped by area; the
 * values are the permission names the API takes. The words come from the server's catalog.
 */
import { MultiSelect, type MultiSelectProps } from '@mantine/core';
import { PERMISSION_AREAS, usePermissionWords } from './permissionWords.ts';
import { useIntl } from 'react-intl';
import { defineMessages } from '../i18n/define.ts';
import { common } from '../i18n/common-messages.ts';

const m = defineMessages({
  choose: { id: 'components.permission_picker.choose', defaultMessage: 'Choose…' },
  nothingFound: { id: 'components.permission_picker.nothing_found', defaultMessage: 'No such permission' },
});

export function PermissionPicker({ only, ...props }: Omit<MultiSelectProps, 'data'> & { /** limit the choice to these names */ only?: string[] }) {
  const intl = useIntl();
  const words = usePermissionWords();
  const groups = Object.entries(PERMISSION_AREAS)
    .map(([area, group]) => ({
      group,
      items: words.all.filter((p) => p.name.startsWith(`${area}.`) && (!only || only.includes(p.name))).map((p) => ({ value: p.name, label: p.description })),
    }))
    .filter((g) => g.items.length > 0);
  return <MultiSelect searchable clearable placeholder={intl.formatMessage(words.loading ? common.loading : m.choose)} data={groups} hidePickedOptions nothingFoundMessage={intl.formatMessage(m.nothingFound)} {...props} />;
}
