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

export function MailOutboxPage() {
  const box = useApiQuery(notificationKeys.outbox, notificationsApi.outbox);
  const [open, setOpen] = useState<string | null>(null);
  const msg = useApiQuery(notificationKeys.outboxMessage(open), () => notificationsApi.outboxMessage(open!), { enabled: !!open });
  return (
    <>
      <PageHeader title="Mail outbox" description="Invitations, access requests waiting, expiry notices and alerts Partnergate e-mails. Without an SMTP server they are kept here instead of sent, so nothing is lost." />
      <ErrorAlert error={box.error} />
      {box.data?.via === 'smtp' ? (
        <Alert icon={<IconInfoCircle size={18} />} color="blue" mb="md">
          E-mail goes out through your SMTP server (the SMTP_URL setting), so this outbox stays empty. Messages written before it was set are listed below.
        </Alert>
      ) : (
        box.data && (
          <Alert icon={<IconInfoCircle size={18} />} color="yellow" mb="md">
            <Text size="sm">
              No SMTP server is set, so e-mail is not sent: each message is kept here for 30 days, whichever server wrote it. Set SMTP_URL to send them.
            </Text>
          </Alert>
        )
      )}
      <DataTable
        testId="outbox"
        records={box.data?.data}
        loading={box.loading}
        rowKey={(m) => m.name}
        empty="No messages yet."
        pageSize={25}
        columns={[
          { key: 'subject', title: 'Subject', mobile: 'title', render: (m) => m.subject },
          { key: 'to', title: 'To', render: (m) => <span style={{ wordBreak: 'break-all' }}>{m.to}</span> },
          { key: 'at', title: 'Written', render: (m) => timeAgo(new Date(m.at).toISOString()), style: { whiteSpace: 'nowrap' } },
          {
            key: 'open',
            title: '',
            mobile: 'footer',
            align: 'right',
            render: (m) => (
              <Button size="xs" variant="light" onClick={() => setOpen(m.name)}>
                Read
              </Button>
            ),
          },
        ]}
      />
      <Modal opened={!!open} onClose={() => setOpen(null)} title={msg.data?.subject ?? 'Message'} size="lg">
        <ErrorAlert error={msg.error} />
        {msg.data && (
          <Stack gap="xs">
            <Text size="sm" c="dimmed">
              To {msg.data.to} · {msg.data.at}
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
