/** "Forgot password?": e-mails a link to choose a new password. The answer never says whether the address has an account. */
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Alert, Anchor, Button, Stack, Text, TextInput } from '@mantine/core';
import { IconMailCheck } from '@tabler/icons-react';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PublicLayout } from '../../components/PublicLayout.tsx';
import { security } from '../../api/security.ts';

export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await security.forgotPassword(email.trim());
      setSent(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <PublicLayout title="Forgot your password?" subtitle="Enter the e-mail address you log in with. We will send you a link to choose a new password.">
      {sent ? (
        <Stack>
          <Alert color="teal" variant="light" icon={<IconMailCheck size={18} />} title="Check your e-mail" data-testid="reset-sent">
            If {email.trim()} has an account, a link to choose a new password is on its way. The link works once, for 30 minutes.
          </Alert>
          <Text size="sm" c="dimmed" ta="center">
            <Anchor component={Link} to="/login">
              Back to log in
            </Anchor>
          </Text>
        </Stack>
      ) : (
        <form onSubmit={submit}>
          <Stack>
            <ErrorAlert error={error} title="Could not send the link" />
            <TextInput label="Email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} data-autofocus />
            <Button type="submit" loading={busy} fullWidth>
              Send me a link
            </Button>
            <Text size="sm" c="dimmed" ta="center">
              Remembered it?{' '}
              <Anchor component={Link} to="/login">
                Log in
              </Anchor>
            </Text>
          </Stack>
        </form>
      )}
    </PublicLayout>
  );
}
