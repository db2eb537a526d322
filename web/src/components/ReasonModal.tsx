/** Confirms a consequential action, asking for a reason when the API needs or accepts one. */
import type { ReactNode } from 'react';
import { Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { ErrorAlert } from './ErrorAlert.tsx';
import { required, useApiForm } from '../query/form.ts';
import { useIntl } from 'react-intl';
import { defineMessages } from '../i18n/define.ts';

const m = defineMessages({
  reasonRequired: { id: 'components.reason_modal.reason_required', defaultMessage: 'Say why; it is recorded with the change.' },
  reason: { id: 'components.reason_modal.reason', defaultMessage: 'Reason' },
  requiredHint: { id: 'components.reason_modal.required_hint', defaultMessage: 'Recorded with the change and in the audit log.' },
  optionalHint: { id: 'components.reason_modal.optional_hint', defaultMessage: 'Optional; recorded in the audit log.' },
  cancel: { id: 'components.reason_modal.cancel', defaultMessage: 'Cancel' },
});

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
  const intl = useIntl();
  // The caller owns the action; its error's field messages land beside the reason.
  const form = useApiForm(
    { initialValues: { reason: '' }, validate: { reason: (v: string) => (p.reason === 'required' ? required(v, intl.formatMessage(m.reasonRequired)) : undefined) } },
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
              label={intl.formatMessage(m.reason)}
              description={intl.formatMessage(p.reason === 'required' ? m.requiredHint : m.optionalHint)}
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
              {intl.formatMessage(m.cancel)}
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
