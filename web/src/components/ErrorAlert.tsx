/**
 * Shows an API problem in words (web/src/query/messages.ts): a sentence for the request, or — for a
 * validation failure — each field that needs attention (a form also shows them next to its inputs).
 * A failure that may pass (no connection, a server fault, "slow down") offers "Try again", which asks
 * again for whatever on the page failed with this very error. A refusal (403) says plainly that it
 * is not part of the person's role — what they asked for may well exist — in grey, not as a fault.
 */
import { Alert, Button, List, Text } from '@mantine/core';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { IconAlertCircle, IconLock } from '@tabler/icons-react';
import { ApiError } from '../api/errors.ts';
import { errorMessage, fieldLabel, fieldMessages, fieldProblem } from '../query/messages.ts';
import { isTransient } from '../query/query.ts';
import { useIntl } from 'react-intl';
import { defineMessages } from '../i18n/define.ts';

const m = defineMessages({
  notInRole: { id: 'components.error_alert.not_in_role', defaultMessage: 'Not part of your role' },
  notAvailable: { id: 'components.error_alert.not_available', defaultMessage: 'Not available to you' },
  notFound: { id: 'components.error_alert.not_found', defaultMessage: 'Not found' },
  conflict: { id: 'components.error_alert.conflict', defaultMessage: 'Not saved: something changed first' },
  notSaved: { id: 'components.error_alert.not_saved', defaultMessage: 'Not saved' },
  wentWrong: { id: 'components.error_alert.went_wrong', defaultMessage: 'Something went wrong' },
  roleRefusal: {
    id: 'components.error_alert.role_refusal',
    defaultMessage: 'Your role does not include this. If you need it, ask an administrator of your organization.',
  },
  checkFields: { id: 'components.error_alert.check_fields', defaultMessage: 'Please check {count, plural, one {this field} other {these fields}}:' },
  tryAgain: { id: 'components.error_alert.try_again', defaultMessage: 'Try again' },
});

export function ErrorAlert({ error, title, labels }: { error: unknown; title?: string; /** field key → the input's label */ labels?: Record<string, string> }) {
  const client = useQueryClient();
  const intl = useIntl();
  if (!error) return null;
  const retry = isTransient(error) ? reloadFailed(client, error) : undefined;
  const api = error instanceof ApiError ? error : null;
  const byRole = api?.status === 403 && api.code === 'permission_denied';
  // "Something went wrong" only when something did (a fault, no connection); a refusal says what it is
  const heading =
    title ??
    intl.formatMessage(
      byRole
        ? m.notInRole
        : api?.status === 403
          ? m.notAvailable
          : api?.status === 404 || api?.code === 'invalid_id'
            ? m.notFound
            : api?.status === 409
              ? m.conflict
              : api && api.status >= 400 && api.status < 500
                ? m.notSaved
                : m.wentWrong,
    );
  const fields = api?.isValidation ? Object.entries(fieldMessages(intl, api)) : [];
  if (api?.status === 403) {
    return (
      <Alert color="gray" variant="light" icon={<IconLock size={18} />} title={heading} role="alert" data-testid="error-alert" data-refusal="">
        <Text size="sm">{byRole ? intl.formatMessage(m.roleRefusal) : errorMessage(intl, error)}</Text>
      </Alert>
    );
  }
  return (
    <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} title={heading} role="alert" data-testid="error-alert">
      {fields.length > 0 ? (
        <>
          <Text size="sm">{intl.formatMessage(m.checkFields, { count: fields.length })}</Text>
          <List size="sm" mt={4}>
            {fields.map(([key, message]) => (
              <List.Item key={key}>
                {fieldProblem(intl, fieldLabel(intl, key, labels), message)}
              </List.Item>
            ))}
          </List>
        </>
      ) : (
        <Text size="sm">{errorMessage(intl, error)}</Text>
      )}
      {retry && (
        <Button size="xs" variant="light" color="red" mt="xs" onClick={retry} data-testid="error-retry">
          {intl.formatMessage(m.tryAgain)}
        </Button>
      )}
    </Alert>
  );
}

/** Loads again the data on screen whose last try failed with `error`; undefined when none did (a failed save). */
function reloadFailed(client: QueryClient, error: unknown): (() => void) | undefined {
  const failed = (q: { state: { error: unknown } }) => q.state.error === error;
  if (client.getQueryCache().findAll({ type: 'active', predicate: failed }).length === 0) return undefined;
  return () => void client.refetchQueries({ type: 'active', predicate: failed });
}
