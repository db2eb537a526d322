/** Confirms a consequential action, asking for a reason when the API needs or accepts one. */
import type { ReactNode } from 'react';
import { Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { ErrorAlert } from './ErrorAlert.tsx';
import { required, useApiForm } from '../query/form.ts';

const noReset = () => {};

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
  // The caller owns the action; its error's field messages land beside the reason.
  const form = useApiForm(
    { initialValues: { reason: '' }, validate: { reason: (v: string) => (p.reason === 'required' ? required(v, 'Say why; it is recorded with the change.') : undefined) } },
    { error: p.error, reset: noReset },
    { resetWhen: p.opened },
  );
  return (
    <Modal opened={p.opened} onClose={p.onClose} title={p.title} size="md">
      <form noValidate onSubmit={form.submit((v) => p.onConfirm(v.reason.trim() || undefined))}>
        <Stack>
          <Text size="sm">{p.message}</Text>
          {p.reason !== 'none' && (
            <Textarea
              label="Reason"
              description={p.reason === 'required' ? 'Recorded with the change and in the audit log.' : 'Optional; recorded in the audit log.'}
              withAsterisk={p.reason === 'required'}
              {...form.getInputProps('reason')}
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
            <Button type="submit" color={p.color ?? 'blue'} loading={p.busy}>
              {p.confirmLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
