/** The operator's mail outbox: the messages Partnergate wrote to disk because no SMTP server is set, readable here. */
import { useState } from 'react';
import { Alert, Button, Code, Modal, Stack, Text } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { notificationsApi } from '../../api/notifications.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { timeAgo } from '../../components/format.ts';
import { useApiQuery } from '../../query/query.ts';
import { notificationKeys } from '../../api/keys/notifications.ts';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const t = defineMessages({
  title: { id: 'operator.mail.title', defaultMessage: 'Mail outbox' },
  description: {
    id: 'operator.mail.description',
    defaultMessage: 'Invitations, access requests waiting, expiry notices and alerts Partnergate e-mails. Without an SMTP server they are kept here instead of sent, so nothing is lost.',
  },
  viaSmtp: {
    id: 'operator.mail.via_smtp',
    defaultMessage: 'E-mail goes out through your SMTP server (the SMTP_URL setting), so this outbox stays empty. Messages written before it was set are listed below.',
  },
  noSmtp: {
    id: 'operator.mail.no_smtp',
    defaultMessage: 'No SMTP server is set, so e-mail is not sent: each message is kept here for 30 days, whichever server wrote it. Set SMTP_URL to send them.',
  },
  empty: { id: 'operator.mail.empty', defaultMessage: 'No messages yet.' },
  subject: { id: 'operator.mail.column.subject', defaultMessage: 'Subject' },
  to: { id: 'operator.mail.column.to', defaultMessage: 'To' },
  written: { id: 'operator.mail.column.written', defaultMessage: 'Written' },
  read: { id: 'operator.mail.read', defaultMessage: 'Read' },
  message: { id: 'operator.mail.message', defaultMessage: 'Message' },
  toAt: { id: 'operator.mail.to_at', defaultMessage: 'To {to} · {at}' },
});

export function MailOutboxPage() {
  const intl = useIntl();
  const box = useApiQuery(notificationKeys.outbox, notificationsApi.outbox);
  const [open, setOpen] = useState<string | null>(null);
  const msg = useApiQuery(notificationKeys.outboxMessage(open), () => notificationsApi.outboxMessage(open!), { enabled: !!open });
  return (
    <>
      <PageHeader title={intl.formatMessage(t.title)} description={intl.formatMessage(t.description)} />
      <ErrorAlert error={box.error} />
      {box.data?.via === 'smtp' ? (
        <Alert icon={<IconInfoCircle size={18} />} color="blue" mb="md">
          <FormattedMessage {...t.viaSmtp} />
        </Alert>
      ) : (
        box.data && (
          <Alert icon={<IconInfoCircle size={18} />} color="yellow" mb="md">
            <Text size="sm">
              <FormattedMessage {...t.noSmtp} />
            </Text>
          </Alert>
        )
      )}
      <DataTable
        testId="outbox"
        records={box.data?.data}
        loading={box.loading}
        rowKey={(m) => m.name}
        empty={intl.formatMessage(t.empty)}
        pageSize={25}
        columns={[
          { key: 'subject', title: intl.formatMessage(t.subject), mobile: 'title', render: (m) => m.subject },
          { key: 'to', title: intl.formatMessage(t.to), render: (m) => <span style={{ wordBreak: 'break-all' }}>{m.to}</span> },
          { key: 'at', title: intl.formatMessage(t.written), render: (m) => timeAgo(new Date(m.at).toISOString()), style: { whiteSpace: 'nowrap' } },
          {
            key: 'open',
            title: '',
            mobile: 'footer',
            align: 'right',
            render: (m) => (
              <Button size="xs" variant="light" onClick={() => setOpen(m.name)}>
                <FormattedMessage {...t.read} />
              </Button>
            ),
          },
        ]}
      />
      <Modal opened={!!open} onClose={() => setOpen(null)} title={msg.data?.subject ?? intl.formatMessage(t.message)} size="lg">
        <ErrorAlert error={msg.error} />
        {msg.data && (
          <Stack gap="xs">
            <Text size="sm" c="dimmed">
              <FormattedMessage {...t.toAt} values={{ to: msg.data.to, at: msg.data.at }} />
            </Text>
            <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }} data-testid="outbox-message">
              {msg.data.text}
            </Code>
          </Stack>
        )}
      </Modal>
    </>
  );
}
