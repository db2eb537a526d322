/**
 * Prove a second factor: a code from the authenticator app, a passkey, or a recovery code. Used by
 * the sign-in second step and the "confirm it's you" (step-up) dialog.
 */
import { useState, type FormEvent } from 'react';
import { Anchor, Button, Group, PinInput, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { IconFingerprint } from '@tabler/icons-react';
import { startAuthentication } from '@simplewebauthn/browser';
import { ErrorAlert } from './ErrorAlert.tsx';
import type { SecondFactorProof, WebAuthnResult } from '../api/security.ts';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../i18n/define.ts';

const m = defineMessages({
  continue: { id: 'components.second_factor.continue', defaultMessage: 'Continue' },
  promptClosed: { id: 'components.second_factor.prompt_closed', defaultMessage: 'The passkey prompt was closed or timed out. Try again.' },
  authenticatorApp: { id: 'components.second_factor.authenticator_app', defaultMessage: 'Authenticator app' },
  passkey: { id: 'components.second_factor.passkey', defaultMessage: 'Passkey' },
  failed: { id: 'components.second_factor.failed', defaultMessage: 'That did not work' },
  totpHint: { id: 'components.second_factor.totp_hint', defaultMessage: 'Open your authenticator app and enter the 6-digit code it shows for Partnergate.' },
  code: { id: 'components.second_factor.code', defaultMessage: '6-digit code' },
  passkeyHint: { id: 'components.second_factor.passkey_hint', defaultMessage: 'Use the passkey on this device or your security key. Your browser will ask you to confirm.' },
  usePasskey: { id: 'components.second_factor.use_passkey', defaultMessage: 'Use a passkey' },
  recoveryHint: {
    id: 'components.second_factor.recovery_hint',
    defaultMessage: 'Enter one of the recovery codes you saved when you set up two-step verification. Each code works once.',
  },
  recoveryCode: { id: 'components.second_factor.recovery_code', defaultMessage: 'Recovery code' },
  useInstead: {
    id: 'components.second_factor.use_instead',
    defaultMessage: 'Use your {method, select, totp {authenticator app} other {passkey}} instead',
  },
});

type Method = 'totp' | 'passkey' | 'recovery_code';

export function SecondFactorForm({
  methods,
  onProof,
  passkeyOptions,
  submitLabel,
}: {
  methods: Method[];
  onProof: (p: SecondFactorProof) => Promise<unknown>;
  passkeyOptions: () => Promise<Record<string, unknown>>;
  submitLabel?: string;
}) {
  const intl = useIntl();
  const submitText = submitLabel ?? intl.formatMessage(m.continue);
  const choices = methods.filter((x) => x !== 'recovery_code');
  const [method, setMethod] = useState<Method>(choices[0] ?? 'recovery_code');
  const [code, setCode] = useState('');
  const [recovery, setRecovery] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const attempt = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(e instanceof Error && e.name === 'NotAllowedError' ? new Error(intl.formatMessage(m.promptClosed)) : e);
      setCode('');
    } finally {
      setBusy(false);
    }
  };

  const signInWithPasskey = () =>
    attempt(async () => {
      const options = await passkeyOptions();
      const result = await startAuthentication({ optionsJSON: options as unknown as Parameters<typeof startAuthentication>[0]['optionsJSON'] });
      await onProof({ passkey: result as unknown as WebAuthnResult });
    });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (method === 'totp') void attempt(() => onProof({ code }));
    else if (method === 'recovery_code') void attempt(() => onProof({ recovery_code: recovery.trim() }));
  };

  return (
    <form onSubmit={submit}>
      <Stack>
        {choices.length > 1 && (
          <SegmentedControl
            fullWidth
            value={method}
            onChange={(v) => { setMethod(v as Method); setError(null); }}
            data={choices.map((x) => ({ value: x, label: intl.formatMessage(x === 'totp' ? m.authenticatorApp : m.passkey) }))}
          />
        )}
        <ErrorAlert error={error} title={intl.formatMessage(m.failed)} />
        {method === 'totp' && (
          <>
            <Text size="sm">{intl.formatMessage(m.totpHint)}</Text>
            <Group justify="center">
              <PinInput length={6} type="number" oneTimeCode value={code} onChange={setCode} aria-label={intl.formatMessage(m.code)} data-testid="totp-code" data-autofocus />
            </Group>
            <Button type="submit" loading={busy} disabled={code.length !== 6} fullWidth>
              {submitText}
            </Button>
          </>
        )}
        {method === 'passkey' && (
          <>
            <Text size="sm">{intl.formatMessage(m.passkeyHint)}</Text>
            <Button leftSection={<IconFingerprint size={18} />} onClick={() => void signInWithPasskey()} loading={busy} fullWidth>
              {intl.formatMessage(m.usePasskey)}
            </Button>
          </>
        )}
        {method === 'recovery_code' && (
          <>
            <Text size="sm">{intl.formatMessage(m.recoveryHint)}</Text>
            <TextInput label={intl.formatMessage(m.recoveryCode)} placeholder="xxxx-xxxx" data-technical="" value={recovery} onChange={(e) => setRecovery(e.currentTarget.value)} autoComplete="one-time-code" />
            <Button type="submit" loading={busy} disabled={recovery.trim().length < 8} fullWidth>
              {submitText}
            </Button>
          </>
        )}
        {methods.includes('recovery_code') && (
          <Text size="xs" c="dimmed" ta="center">
            {method === 'recovery_code' ? (
              choices.length > 0 && (
                <Anchor component="button" type="button" size="xs" onClick={() => setMethod(choices[0])}>
                  {intl.formatMessage(m.useInstead, { method: choices[0] })}
                </Anchor>
              )
            ) : (
              <FormattedMessage
                id="components.second_factor.lost_device"
                defaultMessage="Lost your device? <link>Use a recovery code</link>"
                values={{
                  link: (chunks) => (
                    <Anchor component="button" type="button" size="xs" onClick={() => setMethod('recovery_code')}>
                      {chunks}
                    </Anchor>
                  ),
                }}
              />
            )}
          </Text>
        )}
      </Stack>
    </form>
  );
}
