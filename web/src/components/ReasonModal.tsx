/** Confirms a consequential action, asking for a reason when the API needs or accepts one. */
import { useEffect, useState, type ReactNode } from 'react';
import { Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { ErrorAlert } from './ErrorAlert.tsx';

export interface ReasonModalProps {
  opened: boolean;
  title: string;
  message: ReactNode;
  confirmLabel: string;
  color?: string;
  reason: 'required' | 'optional' | 'none';
  busy?: boolean;
  error?: unknown;
  onClose(): void;
  onConfirm(reason: string | undefined): void;
}

export function ReasonModal(p: ReasonModalProps) {
  const [reason, setReason] = useState('');
  useEffect(() => {
    if (p.opened) setReason('');
  }, [p.opened]);
  const missing = p.reason === 'required' && !reason.trim();
  return (
    <Modal opened={p.opened} onClose={p.onClose} title={p.title} size="md">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!missing) p.onConfirm(reason.trim() || undefined);
        }}
      >
        <Stack>
          <Text size="sm">{p.message}</Text>
          {p.reason !== 'none' && (
            <Textarea
              label="Reason"
              description={p.reason === 'required' ? 'Recorded with the change and in the audit log.' : 'Optional; recorded in the audit log.'}
              required={p.reason === 'required'}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              autosize
              minRows={2}
              maxLength={500}
              data-autofocus
            />
          )}
          <ErrorAlert error={p.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={p.onClose}>
              Cancel
            </Button>
            <Button type="submit" color={p.color ?? 'blue'} loading={p.busy} disabled={missing}>
              {p.confirmLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
