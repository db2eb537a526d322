/**
 * Operator: bring in a file of existing partners (CSV, or NDJSON with one partner per line). The
 * whole file is checked first, nothing written: each row says "Ready" only when it would be made,
 * or why not. Then the ready rows are made, each on its own and all or nothing, and every row's
 * outcome is listed.
 */
import { useState } from 'react';
import { Link } from 'react-router';
import { Alert, Anchor, Badge, Button, FileInput, Group, List, Modal, Paper, Stack, Text, Title } from '@mantine/core';
import { IconArrowLeft, IconDownload, IconFileSpreadsheet } from '@tabler/icons-react';
import { partnerOpsApi, type PartnerImportReport } from '../../api/partnerOps.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useApiMutation } from '../../query/query.ts';

type Row = PartnerImportReport['results'][number];
const STATUS: Record<string, { label: string; color: string }> = {
  ready: { label: 'Ready', color: 'teal' },
  created: { label: 'Added', color: 'teal' },
  invalid: { label: 'Not added', color: 'red' },
};
const FIELD_WORDS: Record<string, string> = {
  name: 'Name',
  slug: 'Short name',
  contact_email: 'Contact e-mail',
  website: 'Website',
  description: 'Description',
  capabilities: 'What it may do',
  owner_email: 'Owner',
  configuration_template: 'Settings from',
  plans: 'Plans',
};

export function PartnerImportPage() {
  const [file, setFile] = useState<File | null>(null);
  const [content, setContent] = useState<{ format: 'csv' | 'ndjson'; text: string } | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [checked, setChecked] = useState<PartnerImportReport | null>(null);
  const [applied, setApplied] = useState<PartnerImportReport | null>(null);
  const check = useApiMutation((format: 'csv' | 'ndjson', text: string) => partnerOpsApi.previewImport(format, text), { onDone: setChecked, invalidates: [] });
  const apply = useApiMutation((format: 'csv' | 'ndjson', text: string) => partnerOpsApi.applyImport(format, text), {
    success: (r) => `${r.created} partner${r.created === 1 ? '' : 's'} added.`,
    onDone: (r) => {
      setApplied(r);
      setConfirming(false);
    },
  });

  const pick = async (f: File | null) => {
    setFile(f);
    setChecked(null);
    setApplied(null);
    check.reset();
    setContent(f ? { format: /\.(ndjson|jsonl)$/i.test(f.name) ? 'ndjson' : 'csv', text: await f.text() } : null);
  };
  const report = applied ?? checked;

  return (
    <>
      <Anchor component={Link} to="/operator/partners" size="sm" mb="xs" display="inline-flex" style={{ alignItems: 'center', gap: 4 }}>
        <IconArrowLeft size={14} /> All partners
      </Anchor>
      <PageHeader
        title="Import partners from a file"
        description="Bring in partners you already work with. The whole file is checked before anything is added; each partner is then added on its own, completely or not at all, and its first owner is invited by e-mail."
      />
      <Stack maw={1000}>
        <Paper withBorder p="lg" radius="md">
          <Stack>
            <Text size="sm">
              A CSV file with a header row: name, short name (optional), contact e-mail, website, description, what it may do (separated by “;”), owner’s e-mail, the partner whose settings
              it starts from, and the plans it may offer (by name, separated by “;”). A file ending in .ndjson holds one partner per line as JSON.
            </Text>
            <Group align="flex-end">
              <FileInput
                label="File of partners"
                description="A .csv or .ndjson file"
                accept=".csv,.ndjson,.jsonl,text/csv"
                leftSection={<IconFileSpreadsheet size={16} />}
                value={file}
                onChange={(f) => void pick(f)}
                w={340}
                maw="100%"
              />
              <Button disabled={!content} loading={check.busy} onClick={() => content && void check.run(content.format, content.text)}>
                Check the file
              </Button>
              <Button component="a" href={partnerOpsApi.templateUrl} variant="subtle" leftSection={<IconDownload size={16} />}>
                Download the CSV template
              </Button>
            </Group>
            <ErrorAlert error={check.error} title="The file could not be checked" />
          </Stack>
        </Paper>

        {report && (
          <Paper withBorder p="lg" radius="md" data-testid={applied ? 'import-applied' : 'import-checked'}>
            <Stack>
              <Title order={3} size="h4">
                {applied ? `Done: ${applied.created} added, ${applied.invalid} not added` : `${report.rows} row${report.rows === 1 ? '' : 's'} in the file: ${report.ready} ready, ${report.invalid} with problems`}
              </Title>
              {!applied && report.ready > 0 && (
                <Group>
                  <Button onClick={() => setConfirming(true)}>
                    Add {report.ready} partner{report.ready === 1 ? '' : 's'}
                  </Button>
                  {report.invalid > 0 && (
                    <Text size="sm" c="dimmed">
                      Rows with problems are left out; fix them in the file and import it again.
                    </Text>
                  )}
                </Group>
              )}
              {!applied && report.ready === 0 && (
                <Alert color="orange" title="Nothing to add">
                  No row can be added as it is. Fix the rows below in the file and check it again.
                </Alert>
              )}
              <DataTable<Row>
                testId="import-rows"
                records={report.results}
                rowKey={(r) => String(r.row)}
                empty="The file has no rows."
                columns={[
                  { key: 'row', title: 'Row', render: (r) => r.row },
                  {
                    key: 'name',
                    title: 'Partner',
                    mobile: 'title',
                    render: (r) =>
                      r.status === 'created' && r.partner_id ? (
                        <Anchor component={Link} to={`/operator/partners/${r.partner_id}`}>
                          {r.name ?? r.slug}
                        </Anchor>
                      ) : (
                        (r.name ?? 'No name')
                      ),
                  },
                  { key: 'slug', title: 'Short name', render: (r) => r.slug ?? '—' },
                  {
                    key: 'status',
                    title: 'Outcome',
                    render: (r) => (
                      <Badge color={STATUS[r.status]?.color ?? 'gray'} variant="light">
                        {STATUS[r.status]?.label ?? r.status}
                      </Badge>
                    ),
                  },
                  {
                    key: 'why',
                    title: 'Why not',
                    render: (r) =>
                      r.errors.length === 0 ? (
                        '—'
                      ) : (
                        <List size="sm" spacing={2}>
                          {r.errors.map((e) => (
                            <List.Item key={`${e.field}-${e.reason}`}>
                              {e.field ? <b>{FIELD_WORDS[e.field] ?? e.field}: </b> : null}
                              {e.reason}
                            </List.Item>
                          ))}
                        </List>
                      ),
                  },
                ]}
              />
            </Stack>
          </Paper>
        )}
      </Stack>

      <Modal opened={confirming} onClose={() => setConfirming(false)} title="Add these partners?">
        <Stack>
          <Text size="sm">
            {checked?.ready} partner{checked?.ready === 1 ? '' : 's'} will be added and become active at once; each first owner gets an invitation by e-mail.
            {checked && checked.invalid > 0 ? ` ${checked.invalid} row${checked.invalid === 1 ? '' : 's'} with problems will be left out.` : ''}
          </Text>
          <ErrorAlert error={apply.error} title="The file was not applied" />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
            <Button loading={apply.busy} onClick={() => content && void apply.run(content.format, content.text)}>
              Add partners
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
