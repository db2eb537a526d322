/**
 * Choose permissions in plain words ("Read invoices", "Open support tickets"), grouped by area; the
 * values are the permission names the API takes. The words come from the server's catalog.
 */
import { MultiSelect, type MultiSelectProps } from '@mantine/core';
import { PERMISSION_AREAS, usePermissionWords } from './permissionWords.ts';

export function PermissionPicker({ only, ...props }: Omit<MultiSelectProps, 'data'> & { /** limit the choice to these names */ only?: string[] }) {
  const words = usePermissionWords();
  const groups = Object.entries(PERMISSION_AREAS)
    .map(([area, group]) => ({
      group,
      items: words.all.filter((p) => p.name.startsWith(`${area}.`) && (!only || only.includes(p.name))).map((p) => ({ value: p.name, label: p.description })),
    }))
    .filter((g) => g.items.length > 0);
  return <MultiSelect searchable clearable placeholder={words.loading ? 'Loading…' : 'Choose…'} data={groups} hidePickedOptions nothingFoundMessage="No such permission" {...props} />;
}
