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
import { useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  goToLogin: { id: 'login.reset.go_to_login', defaultMessage: 'Go to log in' },
  doneTitle: { id: 'login.reset.done_title', defaultMessage: 'Password changed' },
  doneBody: { id: 'login.reset.done_body', defaultMessage: 'Your new password is set. You were signed out everywhere; log in with the new password.' },
  badTitle: { id: 'login.reset.bad_title', defaultMessage: 'This link does not work' },
  badBody: { id: 'login.reset.bad_body', defaultMessage: 'The link is wrong, was used already or has expired. Links work once, for 30 minutes.' },
  newLink: { id: 'login.reset.new_link', defaultMessage: 'Send me a new link' },
  title: { id: 'login.reset.title', defaultMessage: 'Choose a new password' },
  subtitle: { id: 'login.reset.subtitle', defaultMessage: 'For {email}. Choosing it signs you out everywhere.' },
  failed: { id: 'login.reset.failed', defaultMessage: 'Could not set the password' },
  newPassword: { id: 'login.reset.new_password', defaultMessage: 'New password' },
  newPasswordHint: { id: 'login.reset.new_password_hint', defaultMessage: 'At least 10 characters. A few unrelated words work well.' },
  repeat: { id: 'login.reset.repeat', defaultMessage: 'Repeat the new password' },
  differ: { id: 'login.reset.differ', defaultMessage: 'The two passwords differ.' },
  submit: { id: 'login.reset.submit', defaultMessage: 'Set new password' },
});

export function ResetPasswordPage() {
  const intl = useIntl();
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
        {intl.formatMessage(m.goToLogin)}
      </Anchor>
    </Text>
  );

  if (done) {
    return (
      <PublicLayout title={intl.formatMessage(m.doneTitle)}>
        <Stack>
          <Alert color="teal" variant="light" icon={<IconCircleCheck size={18} />} data-testid="reset-done">
            {intl.formatMessage(m.doneBody)}
          </Alert>
          {back}
        </Stack>
      </PublicLayout>
    );
  }
  if (!token || check.error) {
    return (
      <PublicLayout title={intl.formatMessage(m.badTitle)}>
        <Stack>
          <Text size="sm">{intl.formatMessage(m.badBody)}</Text>
          <Button component={Link} to="/forgot-password" fullWidth>
            {intl.formatMessage(m.newLink)}
          </Button>
          {back}
        </Stack>
      </PublicLayout>
    );
  }
  if (!check.data) {
    return (
      <PublicLayout title={intl.formatMessage(m.title)}>
        <Loader />
      </PublicLayout>
    );
  }
  return (
    <PublicLayout title={intl.formatMessage(m.title)} subtitle={intl.formatMessage(m.subtitle, { email: check.data.email })}>
      <form onSubmit={submit}>
        <Stack>
          <ErrorAlert error={error} title={intl.formatMessage(m.failed)} labels={{ password: intl.formatMessage(m.newPassword) }} />
          <PasswordInput label={intl.formatMessage(m.newPassword)} description={intl.formatMessage(m.newPasswordHint)} autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} data-autofocus />
          <PasswordInput label={intl.formatMessage(m.repeat)} autoComplete="new-password" required value={password2} onChange={(e) => setPassword2(e.currentTarget.value)} error={mismatch ? intl.formatMessage(m.differ) : undefined} />
          <Button type="submit" loading={busy} disabled={!password || mismatch} fullWidth>
            {intl.formatMessage(m.submit)}
          </Button>
          {back}
        </Stack>
      </form>
    </PublicLayout>
  );
}
