import { Button, Group } from '@mantine/core';

/** The foot of a form in a dialog: a Cancel that closes it, and the button that submits it. */
export function FormActions({
  onCancel,
  busy,
  submitLabel = 'Save',
  disabled,
}: {
  onCancel: () => void;
  busy?: boolean;
  submitLabel?: string;
  disabled?: boolean;
}) {
  return (
    <Group justify="flex-end">
      <Button variant="default" onClick={onCancel}>
        Cancel
      </Button>
      <Button type="submit" loading={busy} disabled={disabled}>
        {submitLabel}
      </Button>
    </Group>
  );
}
