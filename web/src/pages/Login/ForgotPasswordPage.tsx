/** "Forgot password?": e-mails a link to choose a new password. The answer never says whether the address has an account. */
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Alert, Anchor, Button, Stack, Text, TextInput } from '@mantine/core';
import { FormattedMessage, useIntl } from 'react-intl';
import { IconMailCheck } from '@tabler/icons-react';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PublicLayout } from '../../components/PublicLayout.tsx';
import { security } from '../../api/security.ts';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  title: { id: 'login.forgot.title', defaultMessage: 'Forgot your password?' },
  subtitle: { id: 'login.forgot.subtitle', defaultMessage: 'Enter the e-mail address you log in with. We will send you a link to choose a new password.' },
  sentTitle: { id: 'login.forgot.sent_title', defaultMessage: 'Check your e-mail' },
  sentBody: { id: 'login.forgot.sent_body', defaultMessage: 'If {email} has an account, a link to choose a new password is on its way. The link works once, for 30 minutes.' },
  backToLogin: { id: 'login.forgot.back_to_login', defaultMessage: 'Back to log in' },
  sendFailed: { id: 'login.forgot.send_failed', defaultMessage: 'Could not send the link' },
  email: { id: 'login.forgot.email', defaultMessage: 'Email' },
  send: { id: 'login.forgot.send', defaultMessage: 'Send me a link' },
  remembered: { id: 'login.forgot.remembered', defaultMessage: 'Remembered it? <link>Log in</link>' },
});

export function ForgotPasswordPage() {
  const intl = useIntl();
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
    <PublicLayout title={intl.formatMessage(m.title)} subtitle={intl.formatMessage(m.subtitle)}>
      {sent ? (
        <Stack>
          <Alert color="teal" variant="light" icon={<IconMailCheck size={18} />} title={intl.formatMessage(m.sentTitle)} data-testid="reset-sent">
            {intl.formatMessage(m.sentBody, { email: email.trim() })}
          </Alert>
          <Text size="sm" c="dimmed" ta="center">
            <Anchor component={Link} to="/login">
              {intl.formatMessage(m.backToLogin)}
            </Anchor>
          </Text>
        </Stack>
      ) : (
        <form onSubmit={submit}>
          <Stack>
            <ErrorAlert error={error} title={intl.formatMessage(m.sendFailed)} labels={{ email: intl.formatMessage(m.email) }} />
            <TextInput label={intl.formatMessage(m.email)} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} data-autofocus />
            <Button type="submit" loading={busy} fullWidth>
              {intl.formatMessage(m.send)}
            </Button>
            <Text size="sm" c="dimmed" ta="center">
              <FormattedMessage
                {...m.remembered}
                values={{
                  link: (chunks) => (
                    <Anchor component={Link} to="/login" underline="always">
                      {chunks}
                    </Anchor>
                  ),
                }}
              />
            </Text>
          </Stack>
        </form>
      )}
    </PublicLayout>
  );
}
