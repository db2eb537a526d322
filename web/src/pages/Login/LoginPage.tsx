import { useState, type FormEvent } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { Alert, Anchor, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useSession } from '../../session/SessionContext.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PublicLayout } from '../../components/PublicLayout.tsx';

export function LoginPage() {
  const { me, login, endedReason } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from;
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  if (me && !busy) return <Navigate to={from ?? '/'} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(email.trim(), password);
      navigate(from ?? '/', { replace: true });
    } catch (err) {
      setError(err);
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <PublicLayout title="Log in" subtitle="Operators, partners and customers all log in here.">
      <form onSubmit={submit}>
        <Stack>
          {endedReason && !error && (
            <Alert color="yellow" variant="light">
              {endedReason}
            </Alert>
          )}
          <ErrorAlert error={error} title="Could not log in" />
          <TextInput label="Email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} data-autofocus />
          <PasswordInput label="Password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
          <Button type="submit" loading={busy} fullWidth>
            Log in
          </Button>
          <Text size="sm" c="dimmed" ta="center">
            Want to work with us?{' '}
            <Anchor component={Link} to="/apply">
              Apply as a partner
            </Anchor>
          </Text>
        </Stack>
      </form>
    </PublicLayout>
  );
}
