import { useState, type FormEvent } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { Alert, Anchor, Button, Group, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useSession } from '../../session/SessionContext.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PublicLayout } from '../../components/PublicLayout.tsx';
import { SecondFactorForm } from '../../components/SecondFactorForm.tsx';
import { security, type LoginSecondStep } from '../../api/security.ts';
import { CompanySignInButton } from '../../components/CompanySignInButton.tsx';

export function LoginPage() {
  const { me, login, finishLogin, endedReason } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from;
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [step, setStep] = useState<LoginSecondStep | null>(null);

  if (me && !busy) return <Navigate to={from ?? '/'} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await login(email.trim(), password);
      if ('mfa_required' in r) {
        setStep(r);
        setPassword('');
        return;
      }
      navigate(from ?? '/', { replace: true });
    } catch (err) {
      setError(err);
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  if (step) {
    return (
      <PublicLayout title="Two-step verification" subtitle={`Your password was right. Now confirm it's you, ${email.trim()}.`}>
        <Stack>
          <SecondFactorForm
            methods={step.methods}
            submitLabel="Log in"
            passkeyOptions={() => security.loginPasskeyOptions(step.mfa_token)}
            onProof={async (p) => {
              const r = await security.secondFactor(step.mfa_token, p);
              finishLogin(r);
              navigate(from ?? '/', { replace: true });
            }}
          />
          <Group justify="center">
            <Anchor component="button" type="button" size="sm" onClick={() => setStep(null)}>
              Start again with another account
            </Anchor>
          </Group>
        </Stack>
      </PublicLayout>
    );
  }

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
          <PasswordInput label="Password" description="Not needed to sign in with your company." autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
          <Group justify="flex-end" mt={-8}>
            <Anchor component={Link} to="/forgot-password" size="sm">
              Forgot password?
            </Anchor>
          </Group>
          <Button type="submit" loading={busy} fullWidth>
            Log in
          </Button>
          <CompanySignInButton email={email} returnTo={from} />
          <Text size="sm" c="dimmed" ta="center">
            Want to work with us?{' '}
            <Anchor component={Link} to="/apply" underline="always">
              Apply as a partner
            </Anchor>
          </Text>
        </Stack>
      </form>
    </PublicLayout>
  );
}
