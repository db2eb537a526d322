/**
 * Forms on `@mantine/form`, wired to the server: required fields are checked in the browser before
 * anything is sent (with a sentence, not the browser's bubble), and when the server still refuses
 * with a 400 `validation_failed`, its `errors[]` land next to the inputs they name, in words
 * (query/messages.ts). Dialogs reset the form each time they open.
 *
 *   const form = useApiForm({ initialValues: { email: '' }, validate: { email: (v) => required(v, 'Enter an email address.') ?? email(v) } }, invite);
 *   <form noValidate onSubmit={form.submit((v) => invite.run(v))}>
 *     <TextInput label="Email" withAsterisk {...form.getInputProps('email')} />
 */
import { useEffect } from 'react';
import { useForm, type UseFormInput } from '@mantine/form';
import { ApiError } from '../api/errors.ts';
import { useIntl, type IntlShape } from 'react-intl';
import { fieldMessages } from './messages.ts';
import { defineMessages } from '../i18n/define.ts';

const m = defineMessages({
  email: { id: 'forms.email_invalid', defaultMessage: 'Enter an email address like name@example.com.' },
  webAddress: { id: 'forms.web_address_invalid', defaultMessage: 'Enter a web address that starts with https:// or http://.' },
});

// biome-ignore lint/suspicious/noExplicitAny: what @mantine/form's useForm takes
type Values = Record<string, any>;

export function useApiForm<V extends Values>(config: UseFormInput<V>, action: { error: unknown; reset(): void }, opts: { resetWhen?: boolean } = {}) {
  const intl = useIntl();
  const form = useForm<V>({ mode: 'controlled', validateInputOnBlur: true, ...config });
  const { error } = action;
  // The server named fields: show each next to its input.
  // The server named fields: show each next to its input, and bring the first one into view (a long
  // dialog would otherwise show the refusal only at its bottom, far from the field it is about).
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the answer changes
  useEffect(() => {
    if (!(error instanceof ApiError) || !error.isValidation) return;
    const messages = fieldMessages(intl, error);
    form.setErrors(messages);
    const first = Object.keys(messages).map((k) => form.getInputNode(k)).find((n): n is HTMLElement => !!n);
    if (first) {
      first.scrollIntoView?.({ block: 'center' });
      first.focus({ preventScroll: true });
    }
  }, [error]);
  // A dialog opens afresh: no values or errors of the last time.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the dialog opens
  useEffect(() => {
    if (opts.resetWhen) {
      form.reset();
      action.reset();
    }
  }, [opts.resetWhen]);
  return Object.assign(form, {
    /** the form's onSubmit: checks the fields first, then sends */
    submit: (send: (values: V) => unknown) => form.onSubmit((values) => void send(values)),
  });
}

/** `undefined` when filled, else the sentence (for `validate`). */
export function required(value: unknown, message: string): string | undefined {
  if (typeof value === 'string') return value.trim() ? undefined : message;
  if (Array.isArray(value)) return value.length ? undefined : message;
  return value === null || value === undefined ? message : undefined;
}

/** `undefined` when empty or an email address, else the sentence: the form's own, or the portal's in `intl`'s language. */
export function email(value: string, message: string | IntlShape): string | undefined {
  return !value.trim() || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim()) ? undefined : say(message, m.email);
}

/** `undefined` when empty or an http(s) address, else the sentence (as `email`). */
export function webAddress(value: string, message: string | IntlShape): string | undefined {
  return !value.trim() || /^https?:\/\/\S+$/.test(value.trim()) ? undefined : say(message, m.webAddress);
}

function say(message: string | IntlShape, fallback: (typeof m)[keyof typeof m]): string {
  return typeof message === 'string' ? message : message.formatMessage(fallback);
}
