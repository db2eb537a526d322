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
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages, type Message } from '../../i18n/define.ts';

type Row = PartnerImportReport['results'][number];
const STATUS_WORDS = defineMessages({
  ready: { id: 'operator.import.status.ready', defaultMessage: 'Ready' },
  created: { id: 'operator.import.status.created', defaultMessage: 'Added' },
  invalid: { id: 'operator.import.status.invalid', defaultMessage: 'Not added' },
});
const STATUS: Record<string, { label: Message; color: string }> = {
  ready: { label: STATUS_WORDS.ready, color: 'teal' },
  created: { label: STATUS_WORDS.created, color: 'teal' },
  invalid: { label: STATUS_WORDS.invalid, color: 'red' },
};
const FIELD_WORDS: Record<string, Message> = defineMessages({
  name: { id: 'operator.import.field.name', defaultMessage: 'Name' },
  slug: { id: 'operator.import.field.slug', defaultMessage: 'Short name' },
  contact_email: { id: 'operator.import.field.contact_email', defaultMessage: 'Contact e-mail' },
  website: { id: 'operator.import.field.website', defaultMessage: 'Website' },
  description: { id: 'operator.import.field.description', defaultMessage: 'Description' },
  capabilities: { id: 'operator.import.field.capabilities', defaultMessage: 'What it may do' },
  owner_email: { id: 'operator.import.field.owner_email', defaultMessage: 'Owner' },
  configuration_template: { id: 'operator.import.field.configuration_template', defaultMessage: 'Settings from' },
  plans: { id: 'operator.import.field.plans', defaultMessage: 'Plans' },
});

const m = defineMessages({
  added: { id: 'operator.import.done', defaultMessage: '{count, plural, one {# partner} other {# partners}} added.' },
  allPartners: { id: 'operator.import.back', defaultMessage: 'All partners' },
  title: { id: 'operator.import.title', defaultMessage: 'Import partners from a file' },
  description: {
    id: 'operator.import.description',
    defaultMessage: 'Bring in partners you already work with. The whole file is checked before anything is added; each partner is then added on its own, completely or not at all, and its first owner is invited by e-mail.',
  },
  format: {
    id: 'operator.import.format',
    defaultMessage:
      'A CSV file with a header row: name, short name (optional), contact e-mail, website, description, what it may do (separated by “;”), owner’s e-mail, the partner whose settings it starts from, and the plans it may offer (by name, separated by “;”). A file ending in .ndjson holds one partner per line as JSON.',
  },
  file: { id: 'operator.import.file', defaultMessage: 'File of partners' },
  fileDescription: { id: 'operator.import.file.description', defaultMessage: 'A .csv or .ndjson file' },
  check: { id: 'operator.import.check', defaultMessage: 'Check the file' },
  template: { id: 'operator.import.template', defaultMessage: 'Download the CSV template' },
  checkFailed: { id: 'operator.import.check_failed', defaultMessage: 'The file could not be checked' },
  appliedTitle: { id: 'operator.import.applied.title', defaultMessage: 'Done: {created} added, {invalid} not added' },
  checkedTitle: { id: 'operator.import.checked.title', defaultMessage: '{rows, plural, one {# row} other {# rows}} in the file: {ready} ready, {invalid} with problems' },
  addN: { id: 'operator.import.add_n', defaultMessage: 'Add {count, plural, one {# partner} other {# partners}}' },
  leftOut: { id: 'operator.import.left_out', defaultMessage: 'Rows with problems are left out; fix them in the file and import it again.' },
  nothingTitle: { id: 'operator.import.nothing.title', defaultMessage: 'Nothing to add' },
  nothingText: { id: 'operator.import.nothing.text', defaultMessage: 'No row can be added as it is. Fix the rows below in the file and check it again.' },
  empty: { id: 'operator.import.empty', defaultMessage: 'The file has no rows.' },
  row: { id: 'operator.import.column.row', defaultMessage: 'Row' },
  partner: { id: 'operator.import.column.partner', defaultMessage: 'Partner' },
  noName: { id: 'operator.import.no_name', defaultMessage: 'No name' },
  shortName: { id: 'operator.import.column.short_name', defaultMessage: 'Short name' },
  outcome: { id: 'operator.import.column.outcome', defaultMessage: 'Outcome' },
  whyNot: { id: 'operator.import.column.why_not', defaultMessage: 'Why not' },
  fieldReason: { id: 'operator.import.field_label', defaultMessage: '{field}:' },
  confirmTitle: { id: 'operator.import.confirm.title', defaultMessage: 'Add these partners?' },
  confirmText: {
    id: 'operator.import.confirm.text',
    defaultMessage:
      '{ready, plural, one {# partner} other {# partners}} will be added and become active at once; each first owner gets an invitation by e-mail.{invalid, plural, =0 {} one { # row with problems will be left out.} other { # rows with problems will be left out.}}',
  },
  applyFailed: { id: 'operator.import.apply_failed', defaultMessage: 'The file was not applied' },
  cancel: { id: 'operator.import.cancel', defaultMessage: 'Cancel' },
  addPartners: { id: 'operator.import.add_partners', defaultMessage: 'Add partners' },
});

export function PartnerImportPage() {
  const intl = useIntl();
  const [file, setFile] = useState<File | null>(null);
  const [content, setContent] = useState<{ format: 'csv' | 'ndjson'; text: string } | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [checked, setChecked] = useState<PartnerImportReport | null>(null);
  const [applied, setApplied] = useState<PartnerImportReport | null>(null);
  const check = useApiMutation((format: 'csv' | 'ndjson', text: string) => partnerOpsApi.previewImport(format, text), { onDone: setChecked, invalidates: [] });
  const apply = useApiMutation((format: 'csv' | 'ndjson', text: string) => partnerOpsApi.applyImport(format, text), {
    success: (r) => intl.formatMessage(m.added, { count: r.created }),
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
        <IconArrowLeft size={14} /> <FormattedMessage {...m.allPartners} />
      </Anchor>
      <PageHeader
        title={intl.formatMessage(m.title)}
        description={intl.formatMessage(m.description)}
      />
      <Stack maw={1000}>
        <Paper withBorder p="lg" radius="md">
          <Stack>
            <Text size="sm">
              <FormattedMessage {...m.format} />
            </Text>
            <Group align="flex-end">
              <FileInput
                label={intl.formatMessage(m.file)}
                description={intl.formatMessage(m.fileDescription)}
                accept=".csv,.ndjson,.jsonl,text/csv"
                leftSection={<IconFileSpreadsheet size={16} />}
                value={file}
                onChange={(f) => void pick(f)}
                w={340}
                maw="100%"
              />
              <Button disabled={!content} loading={check.busy} onClick={() => content && void check.run(content.format, content.text)}>
                <FormattedMessage {...m.check} />
              </Button>
              <Button component="a" href={partnerOpsApi.templateUrl} variant="subtle" leftSection={<IconDownload size={16} />}>
                <FormattedMessage {...m.template} />
              </Button>
            </Group>
            <ErrorAlert error={check.error} title={intl.formatMessage(m.checkFailed)} />
          </Stack>
        </Paper>

        {report && (
          <Paper withBorder p="lg" radius="md" data-testid={applied ? 'import-applied' : 'import-checked'}>
            <Stack>
              <Title order={2} size="h4">
                {applied
                  ? intl.formatMessage(m.appliedTitle, { created: applied.created, invalid: applied.invalid })
                  : intl.formatMessage(m.checkedTitle, { rows: report.rows, ready: report.ready, invalid: report.invalid })}
              </Title>
              {!applied && report.ready > 0 && (
                <Group>
                  <Button onClick={() => setConfirming(true)}>
                    <FormattedMessage {...m.addN} values={{ count: report.ready }} />
                  </Button>
                  {report.invalid > 0 && (
                    <Text size="sm" c="dimmed">
                      <FormattedMessage {...m.leftOut} />
                    </Text>
                  )}
                </Group>
              )}
              {!applied && report.ready === 0 && (
                <Alert color="orange" title={intl.formatMessage(m.nothingTitle)}>
                  <FormattedMessage {...m.nothingText} />
                </Alert>
              )}
              <DataTable<Row>
                testId="import-rows"
                records={report.results}
                rowKey={(r) => String(r.row)}
                empty={intl.formatMessage(m.empty)}
                columns={[
                  { key: 'row', title: intl.formatMessage(m.row), render: (r) => r.row },
                  {
                    key: 'name',
                    title: intl.formatMessage(m.partner),
                    mobile: 'title',
                    render: (r) =>
                      r.status === 'created' && r.partner_id ? (
                        <Anchor component={Link} to={`/operator/partners/${r.partner_id}`}>
                          {r.name ?? r.slug}
                        </Anchor>
                      ) : (
                        (r.name ?? intl.formatMessage(m.noName))
                      ),
                  },
                  { key: 'slug', title: intl.formatMessage(m.shortName), render: (r) => r.slug ?? '—' },
                  {
                    key: 'status',
                    title: intl.formatMessage(m.outcome),
                    render: (r) => (
                      <Badge color={STATUS[r.status]?.color ?? 'gray'} variant="light">
                        {STATUS[r.status] ? intl.formatMessage(STATUS[r.status]!.label) : r.status}
                      </Badge>
                    ),
                  },
                  {
                    key: 'why',
                    title: intl.formatMessage(m.whyNot),
                    render: (r) =>
                      r.errors.length === 0 ? (
                        '—'
                      ) : (
                        <List size="sm" spacing={2}>
                          {r.errors.map((e) => (
                            <List.Item key={`${e.field}-${e.reason}`}>
                              {e.field ? <b>{intl.formatMessage(m.fieldReason, { field: FIELD_WORDS[e.field] ? intl.formatMessage(FIELD_WORDS[e.field]!) : e.field })} </b> : null}
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

      <Modal opened={confirming} onClose={() => setConfirming(false)} title={intl.formatMessage(m.confirmTitle)}>
        <Stack>
          <Text size="sm">
            <FormattedMessage {...m.confirmText} values={{ ready: checked?.ready ?? 0, invalid: checked?.invalid ?? 0 }} />
          </Text>
          <ErrorAlert error={apply.error} title={intl.formatMessage(m.applyFailed)} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              <FormattedMessage {...m.cancel} />
            </Button>
            <Button loading={apply.busy} onClick={() => content && void apply.run(content.format, content.text)}>
              <FormattedMessage {...m.addPartners} />
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
