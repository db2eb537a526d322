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

type Method = 'totp' | 'passkey' | 'recovery_code';

export function SecondFactorForm({
  methods,
  onProof,
  passkeyOptions,
  submitLabel = 'Continue',
}: {
  methods: Method[];
  onProof: (p: SecondFactorProof) => Promise<unknown>;
  passkeyOptions: () => Promise<Record<string, unknown>>;
  submitLabel?: string;
}) {
  const choices = methods.filter((m) => m !== 'recovery_code');
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
      setError(e instanceof Error && e.name === 'NotAllowedError' ? new Error('The passkey prompt was closed or timed out. Try again.') : e);
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
            data={choices.map((m) => ({ value: m, label: m === 'totp' ? 'Authenticator app' : 'Passkey' }))}
          />
        )}
        <ErrorAlert error={error} title="That did not work" />
        {method === 'totp' && (
          <>
            <Text size="sm">Open your authenticator app and enter the 6-digit code it shows for Partnergate.</Text>
            <Group justify="center">
              <PinInput length={6} type="number" oneTimeCode value={code} onChange={setCode} aria-label="6-digit code" data-testid="totp-code" data-autofocus />
            </Group>
            <Button type="submit" loading={busy} disabled={code.length !== 6} fullWidth>
              {submitLabel}
            </Button>
          </>
        )}
        {method === 'passkey' && (
          <>
            <Text size="sm">Use the passkey on this device or your security key. Your browser will ask you to confirm.</Text>
            <Button leftSection={<IconFingerprint size={18} />} onClick={() => void signInWithPasskey()} loading={busy} fullWidth>
              Use a passkey
            </Button>
          </>
        )}
        {method === 'recovery_code' && (
          <>
            <Text size="sm">Enter one of the recovery codes you saved when you set up two-step verification. Each code works once.</Text>
            <TextInput label="Recovery code" placeholder="xxxx-xxxx" value={recovery} onChange={(e) => setRecovery(e.currentTarget.value)} autoComplete="one-time-code" />
            <Button type="submit" loading={busy} disabled={recovery.trim().length < 8} fullWidth>
              {submitLabel}
            </Button>
          </>
        )}
        {methods.includes('recovery_code') && (
          <Text size="xs" c="dimmed" ta="center">
            {method === 'recovery_code' ? (
              choices.length > 0 && (
                <Anchor component="button" type="button" size="xs" onClick={() => setMethod(choices[0])}>
                  Use your {choices[0] === 'totp' ? 'authenticator app' : 'passkey'} instead
                </Anchor>
              )
            ) : (
              <>
                Lost your device?{' '}
                <Anchor component="button" type="button" size="xs" onClick={() => setMethod('recovery_code')}>
                  Use a recovery code
                </Anchor>
              </>
            )}
          </Text>
        )}
      </Stack>
    </form>
  );
}
