/** One agreement, readable: its title, status, commission terms in a sentence and the terms text. */
import { Fragment, type ReactNode } from 'react';
import { Badge, Group, List, Paper, Stack, Text, Title } from '@mantine/core';
import { FormattedMessage, useIntl } from 'react-intl';
import type { Agreement } from '../../api/program.ts';
import { defineMessages } from '../../i18n/define.ts';
import { formatDateTime } from '../../components/format.ts';
import { agreementStatus, commissionWords, formatDay } from './programFormat.ts';
import { inForce } from '../../components/format.ts';

const m = defineMessages({
  starts: { id: 'program.agreement.starts', defaultMessage: 'Starts {date}' },
});

/** An approved agreement is in force only from its start day (format.ts inForce): before, it says when it starts. */
export function AgreementStatusBadge({ status, effectiveDate }: { status: string; effectiveDate?: string }) {
  const intl = useIntl();
  const pending = status === 'approved' && effectiveDate !== undefined && !inForce(effectiveDate, null);
  const s = pending ? { label: intl.formatMessage(m.starts, { date: formatDay(effectiveDate) }), color: 'blue' } : (agreementStatus(intl, status) ?? { label: status, color: 'gray' });
  return (
    <Badge color={s.color} variant="light" data-status={status}>
      {s.label}
    </Badge>
  );
}

/** The terms are written in a small part of Markdown (headings, lists, paragraphs); shown as such, no HTML. */
export function TermsText({ text }: { text: string }) {
  const blocks: ReactNode[] = [];
  let list: string[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length) blocks.push(<Text key={blocks.length} size="sm">{para.join(' ')}</Text>);
    if (list.length)
      blocks.push(
        <List key={blocks.length} size="sm">
          {list.map((l, i) => (
            <List.Item key={i}>{l}</List.Item>
          ))}
        </List>,
      );
    para = [];
    list = [];
  };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const h = /^(#{1,3})\s+(.*)$/.exec(line);
    const li = /^[-*]\s+(.*)$/.exec(line) ?? /^\d+\.\s+(.*)$/.exec(line);
    if (!line) flush();
    else if (h) {
      flush();
      blocks.push(
        <Title key={blocks.length} order={h[1].length === 1 ? 4 : 5}>
          {h[2]}
        </Title>,
      );
    } else if (li) {
      if (para.length) flush();
      list.push(li[1].replace(/\*\*/g, ''));
    } else {
      if (list.length) flush();
      para.push(line.replace(/\*\*/g, ''));
    }
  }
  flush();
  return (
    <Stack gap="xs" data-testid="agreement-terms">
      {blocks.map((b, i) => (
        <Fragment key={i}>{b}</Fragment>
      ))}
    </Stack>
  );
}

export function AgreementView({ a, children }: { a: Agreement; children?: ReactNode }) {
  const intl = useIntl();
  return (
    <Paper withBorder radius="md" p="lg" data-testid={`agreement-v${a.version}`}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
          <div>
            <Title order={2} size="h4">
              {a.title}
            </Title>
            <Text size="sm" c="dimmed">
              <FormattedMessage id="program.agreement.version_effective" defaultMessage="Version {version} · takes effect {date}" values={{ version: a.version, date: formatDay(a.effective_date) }} />
            </Text>
          </div>
          <AgreementStatusBadge status={a.status} effectiveDate={a.effective_date} />
        </Group>
        <Paper bg="gray.0" p="sm" radius="sm">
          <Text size="sm" fw={600}>
            <FormattedMessage id="program.agreement.commission" defaultMessage="Commission" />
          </Text>
          <Text size="sm">{commissionWords(intl, a.commission)}</Text>
        </Paper>
        <TermsText text={a.terms_markdown} />
        {(a.signed || a.approved) && (
          <Stack gap={2}>
            {a.signed && (
              <Text size="xs" c="dimmed">
                {a.signed.by.name && a.signed.by.name !== a.signed.full_name ? (
                  <FormattedMessage
                    id="program.agreement.signed_by_for"
                    defaultMessage="Signed by {fullName} ({user}) on {date}."
                    values={{ fullName: a.signed.full_name, user: a.signed.by.name, date: formatDateTime(a.signed.at) }}
                  />
                ) : (
                  <FormattedMessage id="program.agreement.signed_by" defaultMessage="Signed by {fullName} on {date}." values={{ fullName: a.signed.full_name, date: formatDateTime(a.signed.at) }} />
                )}
              </Text>
            )}
            {a.approved && (
              <Text size="xs" c="dimmed">
                <FormattedMessage
                  id="program.agreement.approved_by"
                  defaultMessage="Approved by the platform ({user}) on {date}."
                  values={{ user: a.approved.by.name, date: formatDateTime(a.approved.at) }}
                />
              </Text>
            )}
          </Stack>
        )}
        {children}
      </Stack>
    </Paper>
  );
}
