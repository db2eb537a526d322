/** The page the reset e-mail links to: choose a new password (the link works once; every session ends). */
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Alert, Anchor, Button, Loader, PasswordInput, Stack, Text } from '@mantine/core';
import { IconCircleCheck } from '@tabler/icons-react';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PublicLayout } from '../../components/PublicLayout.tsx';
import { security } from '../../api/security.ts';
import { useApiQuery } from '../../query/query.ts';
import { authKeys } from '../../api/keys/auth.ts';

export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const check = useApiQuery(authKeys.passwordReset(token), () => security.checkReset(token), { enabled: token.length > 0 });
  const [password, setPassword] = useState('');
  const [password2, setPassword2] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const mismatch = password2.length > 0 && password !== password2;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (password !== password2) return;
    setBusy(true);
    setError(null);
    try {
      await security.completeReset(token, password);
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const back = (
    <Text size="sm" c="dimmed" ta="center">
      <Anchor component={Link} to="/login">
        Go to log in
      </Anchor>
    </Text>
  );

  if (done) {
    return (
      <PublicLayout title="Password changed">
        <Stack>
          <Alert color="teal" variant="light" icon={<IconCircleCheck size={18} />} data-testid="reset-done">
            Your new password is set. You were signed out everywhere; log in with the new password.
          </Alert>
          {back}
        </Stack>
      </PublicLayout>
    );
  }
  if (!token || check.error) {
    return (
      <PublicLayout title="This link does not work">
        <Stack>
          <Text size="sm">The link is wrong, was used already or has expired. Links work once, for 30 minutes.</Text>
          <Button component={Link} to="/forgot-password" fullWidth>
            Send me a new link
          </Button>
          {back}
        </Stack>
      </PublicLayout>
    );
  }
  if (!check.data) {
    return (
      <PublicLayout title="Choose a new password">
        <Loader />
      </PublicLayout>
    );
  }
  return (
    <PublicLayout title="Choose a new password" subtitle={`For ${check.data.email}. Choosing it signs you out everywhere.`}>
      <form onSubmit={submit}>
        <Stack>
          <ErrorAlert error={error} title="Could not set the password" />
          <PasswordInput label="New password" description="At least 10 characters. A few unrelated words work well." autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} data-autofocus />
          <PasswordInput label="Repeat the new password" autoComplete="new-password" required value={password2} onChange={(e) => setPassword2(e.currentTarget.value)} error={mismatch ? 'The two passwords differ.' : undefined} />
          <Button type="submit" loading={busy} disabled={!password || mismatch} fullWidth>
            Set new password
          </Button>
          {back}
        </Stack>
      </form>
    </PublicLayout>
  );
}
