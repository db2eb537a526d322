/** Operator → Access templates: the templates every partner may ask customers with (list, create, edit, archive). */
import { useState } from 'react';
import { Button } from '@mantine/core';
import { accessTemplatesApi, type AccessTemplate } from '../../api/accessRequests.ts';
import { accessRequestKeys } from '../../api/keys/accessRequests.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { TemplateEditor } from './TemplateEditor.tsx';
import { TemplatesTable } from './TemplatesTable.tsx';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  archived: { id: 'access_requests.operator_templates.archived', defaultMessage: '"{name}" is archived: no new request can use it.' },
  restored: { id: 'access_requests.operator_templates.restored', defaultMessage: '"{name}" can be used again.' },
  title: { id: 'access_requests.operator_templates.title', defaultMessage: 'Access templates' },
  description: {
    id: 'access_requests.operator_templates.description',
    defaultMessage:
      "Named offers of access every partner may ask a customer for: a role, extra permissions and the longest duration. The customer's admins approve or reject each request under their own approval policy.",
  },
  newTemplate: { id: 'access_requests.operator_templates.new', defaultMessage: 'New template' },
  empty: {
    id: 'access_requests.operator_templates.empty',
    defaultMessage: 'No templates yet. Partners can still ask for a link with a role of their choice; create one to offer a ready-made access.',
  },
});

export function OperatorTemplatesPage() {
  const intl = useIntl();
  const list = useApiQuery(accessRequestKeys.platformTemplates, () => accessTemplatesApi.platform());
  const [editing, setEditing] = useState<AccessTemplate | null>(null);
  const [open, setOpen] = useState(false);
  const archive = useApiMutation((t: AccessTemplate, yes: boolean) => accessTemplatesApi.updatePlatform(t.id, { status: yes ? 'archived' : 'active' }), {
    success: (t) => intl.formatMessage(t.status === 'archived' ? m.archived : m.restored, { name: t.name }),
    notifyError: true,
    onDone: list.reload,
  });
  return (
    <>
      <PageHeader
        title={intl.formatMessage(m.title)}
        description={intl.formatMessage(m.description)}
        actions={
          <Button
            onClick={() => {
              setEditing(null);
              setOpen(true);
            }}
          >
            <FormattedMessage {...m.newTemplate} />
          </Button>
        }
      />
      <TemplatesTable
        testId="operator-access-templates"
        templates={list.data?.data}
        loading={list.loading}
        error={list.error}
        empty={intl.formatMessage(m.empty)}
        onEdit={(t) => {
          setEditing(t);
          setOpen(true);
        }}
        onArchive={(t, yes) => void archive.run(t, yes)}
      />
      <TemplateEditor opened={open} template={editing} onClose={() => setOpen(false)} onSaved={list.reload} save={(b) => (editing ? accessTemplatesApi.updatePlatform(editing.id, b) : accessTemplatesApi.createPlatform(b))} />
    </>
  );
}
