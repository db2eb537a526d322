import type { ReactNode } from 'react';
import { ActionIcon, Menu } from '@mantine/core';
import { IconDots } from '@tabler/icons-react';
import type { Column } from './DataTable.tsx';
import { FormattedMessage } from 'react-intl';
import { defineMessages } from '../i18n/define.ts';

const m = defineMessages({
  actions: { id: 'components.row_actions.actions', defaultMessage: 'Actions' },
});

/** A table row's "…" menu; `label` names the row for screen readers ("Actions for ana@example.com"). */
export function RowActionsMenu({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Menu position="bottom-end">
      <Menu.Target>
        <ActionIcon variant="subtle" color="gray" aria-label={label}>
          <IconDots size={16} />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>{children}</Menu.Dropdown>
    </Menu>
  );
}

/** The table column that holds each row's "…" menu (a footer line on phones). */
export function actionsColumn<T>(render: (row: T) => ReactNode): Column<T> {
  return { key: 'actions', title: '', label: <FormattedMessage {...m.actions} />, align: 'right', mobile: 'footer', render };
}
