/** A list of access templates with their permissions in words, an Edit and an Archive (or Restore) action each. */
import { Button, Group, Text } from '@mantine/core';
import type { AccessTemplate } from '../../api/accessRequests.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { PermissionSentences } from './TemplateEditor.tsx';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  template: { id: 'access_requests.templates.column.template', defaultMessage: 'Template' },
  lets: { id: 'access_requests.templates.column.lets_the_partner', defaultMessage: 'Lets the partner' },
  longest: { id: 'access_requests.templates.column.longest_duration', defaultMessage: 'Longest duration' },
  days: { id: 'access_requests.templates.days', defaultMessage: '{count, plural, other {# days}}' },
  status: { id: 'access_requests.templates.column.status', defaultMessage: 'Status' },
  editLabel: { id: 'access_requests.templates.edit_label', defaultMessage: 'Edit {name}' },
  edit: { id: 'access_requests.templates.edit', defaultMessage: 'Edit' },
  archiveLabel: { id: 'access_requests.templates.archive_label', defaultMessage: 'Archive {name}' },
  restoreLabel: { id: 'access_requests.templates.restore_label', defaultMessage: 'Restore {name}' },
  archive: { id: 'access_requests.templates.archive', defaultMessage: 'Archive' },
  restore: { id: 'access_requests.templates.restore', defaultMessage: 'Restore' },
});

export function TemplatesTable(props: { templates: AccessTemplate[] | undefined; loading: boolean; error: unknown; empty: string; onEdit?: (t: AccessTemplate) => void; onArchive?: (t: AccessTemplate, archive: boolean) => void; testId: string }) {
  const intl = useIntl();
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
          title: intl.formatMessage(m.template),
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
        { key: 'grants', title: intl.formatMessage(m.lets), render: (t) => <PermissionSentences template={t} /> },
        { key: 'days', title: intl.formatMessage(m.longest), render: (t) => intl.formatMessage(m.days, { count: t.max_days }), sortValue: (t) => t.max_days },
        { key: 'status', title: intl.formatMessage(m.status), render: (t) => <StatusBadge status={t.status} /> },
        {
          key: 'actions',
          title: '',
          mobile: 'footer',
          render: (t) =>
            props.onEdit || props.onArchive ? (
              <Group gap="xs" wrap="nowrap">
                {props.onEdit && (
                  <Button size="xs" variant="default" onClick={() => props.onEdit?.(t)} aria-label={intl.formatMessage(m.editLabel, { name: t.name })}>
                    <FormattedMessage {...m.edit} />
                  </Button>
                )}
                {props.onArchive && (
                  <Button size="xs" variant="subtle" onClick={() => props.onArchive?.(t, t.status === 'active')} aria-label={intl.formatMessage(t.status === 'active' ? m.archiveLabel : m.restoreLabel, { name: t.name })}>
                    {intl.formatMessage(t.status === 'active' ? m.archive : m.restore)}
                  </Button>
                )}
              </Group>
            ) : null,
        },
      ]}
    />
  );
}
