import type { ReactNode } from 'react';
import { Paper, Table } from '@mantine/core';

/** A bordered card around a table that scrolls sideways on narrow screens instead of overflowing. */
export function TableCard({ children, minWidth = 680 }: { children: ReactNode; minWidth?: number }) {
  return (
    <Paper withBorder radius="md">
      <Table.ScrollContainer minWidth={minWidth} type="native">
        {children}
      </Table.ScrollContainer>
    </Paper>
  );
}
