/** A list of access templates with their permissions in words, an Edit and an Archive (or Restore) action each. */
import { Button, Group, Text } from '@mantine/core';
import type { AccessTemplate } from '../../api/accessRequests.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { PermissionSentences } from './TemplateEditor.tsx';

export function TemplatesTable(props: { templates: AccessTemplate[] | undefined; loading: boolean; error: unknown; empty: string; onEdit?: (t: AccessTemplate) => void; onArchive?: (t: AccessTemplate, archive: boolean) => void; testId: string }) {
  return (
    <DataTable
      testId={props.testId}
      records={props.templates}
      loading={props.loading}
      error={props.error}
      rowKey={(t) => t.id}
      empty={props.empty}
      columns={[
        {
          key: 'name',
          title: 'Template',
          mobile: 'title',
          sortValue: (t) => t.name,
          render: (t) => (
            <div>
              <Text fw={600}>{t.name}</Text>
              <Text size="sm" c="dimmed">
                {t.description}
              </Text>
            </div>
          ),
        },
        { key: 'grants', title: 'Lets the partner', render: (t) => <PermissionSentences template={t} /> },
        { key: 'days', title: 'Longest duration', render: (t) => `${t.max_days} days`, sortValue: (t) => t.max_days },
        { key: 'status', title: 'Status', render: (t) => <StatusBadge status={t.status} /> },
        {
          key: 'actions',
          title: '',
          mobile: 'footer',
          render: (t) =>
            props.onEdit || props.onArchive ? (
              <Group gap="xs" wrap="nowrap">
                {props.onEdit && (
                  <Button size="xs" variant="default" onClick={() => props.onEdit?.(t)} aria-label={`Edit ${t.name}`}>
                    Edit
                  </Button>
                )}
                {props.onArchive && (
                  <Button size="xs" variant="subtle" onClick={() => props.onArchive?.(t, t.status === 'active')} aria-label={`${t.status === 'active' ? 'Archive' : 'Restore'} ${t.name}`}>
                    {t.status === 'active' ? 'Archive' : 'Restore'}
                  </Button>
                )}
              </Group>
            ) : null,
        },
      ]}
    />
  );
}
