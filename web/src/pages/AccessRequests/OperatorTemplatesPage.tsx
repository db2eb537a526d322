/** Operator → Access templates: the templates every partner may ask customers with (list, create, edit, archive). */
import { useState } from 'react';
import { Button } from '@mantine/core';
import { accessTemplatesApi, type AccessTemplate } from '../../api/accessRequests.ts';
import { accessRequestKeys } from '../../api/keys/accessRequests.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { TemplateEditor } from './TemplateEditor.tsx';
import { TemplatesTable } from './TemplatesTable.tsx';

export function OperatorTemplatesPage() {
  const list = useApiQuery(accessRequestKeys.platformTemplates, () => accessTemplatesApi.platform());
  const [editing, setEditing] = useState<AccessTemplate | null>(null);
  const [open, setOpen] = useState(false);
  const archive = useApiMutation((t: AccessTemplate, yes: boolean) => accessTemplatesApi.updatePlatform(t.id, { status: yes ? 'archived' : 'active' }), {
    success: (t) => (t.status === 'archived' ? `"${t.name}" is archived: no new request can use it.` : `"${t.name}" can be used again.`),
    notifyError: true,
    onDone: list.reload,
  });
  return (
    <>
      <PageHeader
        title="Access templates"
        description="Named offers of access every partner may ask a customer for: a role, extra permissions and the longest duration. The customer's admins approve or reject each request under their own approval policy."
        actions={
          <Button
            onClick={() => {
              setEditing(null);
              setOpen(true);
            }}
          >
            New template
          </Button>
        }
      />
      <TemplatesTable
        testId="operator-access-templates"
        templates={list.data?.data}
        loading={list.loading}
        error={list.error}
        empty="No templates yet. Partners can still ask for a link with a role of their choice; create one to offer a ready-made access."
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
