/**
 * Shows an API problem the way the server worded it: the detail, or — for a validation failure —
 * each field that needs attention (the form also shows them next to the inputs).
 */
import { Alert, List, Text } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { ApiError, errorMessage, fieldKey, humanizeFieldDetail } from '../api/index.ts';

function fieldLabel(pointer: string, labels?: Record<string, string>): string {
  const key = fieldKey(pointer);
  const label = labels?.[key] ?? key.replace(/_/g, ' ').replace(/\./g, ' › ');
  return label.charAt(0).toUpperCase() + label.slice(1);
}

export function ErrorAlert({ error, title, labels }: { error: unknown; title?: string; /** field key → the input's label */ labels?: Record<string, string> }) {
  if (!error) return null;
  const api = error instanceof ApiError ? error : null;
  const heading = title ?? (api?.status === 403 ? 'Not allowed' : api?.status === 404 ? 'Not found' : 'Something went wrong');
  return (
    <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} title={heading} role="alert" data-testid="error-alert">
      {api?.isValidation ? (
        <>
          <Text size="sm">Please check {api.fields.length === 1 ? 'this field' : 'these fields'}:</Text>
          <List size="sm" mt={4}>
            {api.fields.map((f) => (
              <List.Item key={f.pointer + f.detail}>
                {fieldLabel(f.pointer, labels)} {humanizeFieldDetail(f.detail)}
              </List.Item>
            ))}
          </List>
        </>
      ) : (
        <Text size="sm">{errorMessage(error)}</Text>
      )}
    </Alert>
  );
}
