/** One agreement, readable: its title, status, commission terms in a sentence and the terms text. */
import { Fragment, type ReactNode } from 'react';
import { Badge, Group, List, Paper, Stack, Text, Title } from '@mantine/core';
import type { Agreement } from '../../api/program.ts';
import { formatDateTime } from '../../components/format.ts';
import { AGREEMENT_STATUS, commissionWords, formatDay } from './programFormat.ts';
import { inForce } from '../../components/format.ts';

/** An approved agreement is in force only from its start day (format.ts inForce): before, it says when it starts. */
export function AgreementStatusBadge({ status, effectiveDate }: { status: string; effectiveDate?: string }) {
  const pending = status === 'approved' && effectiveDate !== undefined && !inForce(effectiveDate, null);
  const s = pending ? { label: `Starts ${formatDay(effectiveDate)}`, color: 'blue' } : (AGREEMENT_STATUS[status] ?? { label: status, color: 'gray' });
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
  return (
    <Paper withBorder radius="md" p="lg" data-testid={`agreement-v${a.version}`}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
          <div>
            <Title order={3} size="h4">
              {a.title}
            </Title>
            <Text size="sm" c="dimmed">
              Version {a.version} · takes effect {formatDay(a.effective_date)}
            </Text>
          </div>
          <AgreementStatusBadge status={a.status} effectiveDate={a.effective_date} />
        </Group>
        <Paper bg="gray.0" p="sm" radius="sm">
          <Text size="sm" fw={600}>
            Commission
          </Text>
          <Text size="sm">{commissionWords(a.commission)}</Text>
        </Paper>
        <TermsText text={a.terms_markdown} />
        {(a.signed || a.approved) && (
          <Stack gap={2}>
            {a.signed && (
              <Text size="xs" c="dimmed">
                Signed by {a.signed.full_name}
                {a.signed.by.name && a.signed.by.name !== a.signed.full_name ? ` (${a.signed.by.name})` : ''} on {formatDateTime(a.signed.at)}.
              </Text>
            )}
            {a.approved && (
              <Text size="xs" c="dimmed">
                Approved by the platform ({a.approved.by.name}) on {formatDateTime(a.approved.at)}.
              </Text>
            )}
          </Stack>
        )}
        {children}
      </Stack>
    </Paper>
  );
}
