import { useState, type FormEvent } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { Alert, Anchor, Button, Group, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useSession } from '../../session/SessionContext.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PublicLayout } from '../../components/PublicLayout.tsx';
import { SecondFactorForm } from '../../components/SecondFactorForm.tsx';
import { security, type LoginSecondStep } from '../../api/security.ts';
import { CompanySignInButton } from '../../components/CompanySignInButton.tsx';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  title: { id: 'login.title', defaultMessage: 'Log in' },
  subtitle: { id: 'login.subtitle', defaultMessage: 'Operators, partners and customers all log in here.' },
  mfaTitle: { id: 'login.mfa.title', defaultMessage: 'Two-step verification' },
  mfaSubtitle: { id: 'login.mfa.subtitle', defaultMessage: "Your password was right. Now confirm it's you, {email}." },
  startAgain: { id: 'login.mfa.start_again', defaultMessage: 'Start again with another account' },
  failed: { id: 'login.failed', defaultMessage: 'Could not log in' },
  email: { id: 'login.email', defaultMessage: 'Email' },
  password: { id: 'login.password', defaultMessage: 'Password' },
  passwordHint: { id: 'login.password.hint', defaultMessage: 'Not needed to sign in with your company.' },
  forgot: { id: 'login.forgot_link', defaultMessage: 'Forgot password?' },
  submit: { id: 'login.submit', defaultMessage: 'Log in' },
  apply: { id: 'login.apply', defaultMessage: 'Want to work with us? <link>Apply as a partner</link>' },
});

export function LoginPage() {
  const intl = useIntl();
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
      <PublicLayout title={intl.formatMessage(m.mfaTitle)} subtitle={intl.formatMessage(m.mfaSubtitle, { email: email.trim() })}>
        <Stack>
          <SecondFactorForm
            methods={step.methods}
            submitLabel={intl.formatMessage(m.submit)}
            passkeyOptions={() => security.loginPasskeyOptions(step.mfa_token)}
            onProof={async (p) => {
              const r = await security.secondFactor(step.mfa_token, p);
              finishLogin(r);
              navigate(from ?? '/', { replace: true });
            }}
          />
          <Group justify="center">
            <Anchor component="button" type="button" size="sm" onClick={() => setStep(null)}>
              {intl.formatMessage(m.startAgain)}
            </Anchor>
          </Group>
        </Stack>
      </PublicLayout>
    );
  }

  return (
    <PublicLayout title={intl.formatMessage(m.title)} subtitle={intl.formatMessage(m.subtitle)}>
      <form onSubmit={submit}>
        <Stack>
          {endedReason && !error && (
            <Alert color="yellow" variant="light">
              {endedReason}
            </Alert>
          )}
          <ErrorAlert error={error} title={intl.formatMessage(m.failed)} labels={{ email: intl.formatMessage(m.email), password: intl.formatMessage(m.password) }} />
          <TextInput label={intl.formatMessage(m.email)} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} data-autofocus />
          <PasswordInput label={intl.formatMessage(m.password)} description={intl.formatMessage(m.passwordHint)} autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
          <Group justify="flex-end" mt={-8}>
            <Anchor component={Link} to="/forgot-password" size="sm">
              {intl.formatMessage(m.forgot)}
            </Anchor>
          </Group>
          <Button type="submit" loading={busy} fullWidth>
            {intl.formatMessage(m.submit)}
          </Button>
          <CompanySignInButton email={email} returnTo={from} />
          <Text size="sm" c="dimmed" ta="center">
            <FormattedMessage
              {...m.apply}
              values={{
                link: (chunks) => (
                  <Anchor component={Link} to="/apply" underline="always">
                    {chunks}
                  </Anchor>
                ),
              }}
            />
          </Text>
        </Stack>
      </form>
    </PublicLayout>
  );
}
