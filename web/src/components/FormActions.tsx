import { Button, Group } from '@mantine/core';
import { useIntl } from 'react-intl';
import { defineMessages } from '../i18n/define.ts';

const m = defineMessages({
  cancel: { id: 'components.form_actions.cancel', defaultMessage: 'Cancel' },
  save: { id: 'components.form_actions.save', defaultMessage: 'Save' },
});

/** The foot of a form in a dialog: a Cancel that closes it, and the button that submits it. */
export function FormActions({
  onCancel,
  busy,
  submitLabel,
  disabled,
}: {
  onCancel: () => void;
  busy?: boolean;
  submitLabel?: string;
  disabled?: boolean;
}) {
  const intl = useIntl();
  return (
    <Group justify="flex-end">
      <Button variant="default" onClick={onCancel}>
        {intl.formatMessage(m.cancel)}
      </Button>
      <Button type="submit" loading={busy} disabled={disabled}>
        {submitLabel ?? intl.formatMessage(m.save)}
      </Button>
    </Group>
  );
}
