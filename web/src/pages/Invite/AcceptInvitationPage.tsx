/** /invite/:token — the one-time link from an invitation: choose a name and a password, then you are logged in. */
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Alert, Anchor, Button, Loader, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { api } from '../../api/index.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PublicLayout } from '../../components/PublicLayout.tsx';
import { formatDateTime } from '../../components/format.ts';
import { useAction, useLoad } from '../../components/hooks.ts';
import { roleLabel } from '../../session/access.ts';
import { useSession } from '../../session/SessionContext.tsx';

export function AcceptInvitationPage() {
  const { token = '' } = useParams();
  const navigate = useNavigate();
  const session = useSession();
  const inv = useLoad(() => api.auth.invitation(token), [token]);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [password2, setPassword2] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const accept = useAction(async () => {
    await api.auth.acceptInvitation(token, name.trim(), password);
    // An existing session belongs to someone else: end it before logging the invitee in.
    if (session.me) await session.logout().catch(() => undefined);
    await session.login(inv.data!.email, password);
  }, { onDone: () => navigate('/', { replace: true }) });

  if (inv.loading) {
    return (
      <PublicLayout title="Accept invitation">
        <Loader />
      </PublicLayout>
    );
  }
  if (inv.error || !inv.data) {
    return (
      <PublicLayout title="Accept invitation">
        <Stack>
          <ErrorAlert error={inv.error} title="This invitation link does not work" />
          <Text size="sm">Invitation links work once and expire. Ask the person who invited you to send a new one.</Text>
          <Anchor component={Link} to="/login" size="sm">
            Go to log in
          </Anchor>
        </Stack>
      </PublicLayout>
    );
  }
  const i = inv.data;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (password !== password2) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    void accept.run();
  };
  return (
    <PublicLayout
      title={`Join ${i.scope_name}`}
      subtitle={
        <>
          You have been invited to the {i.scope_type} <b>{i.scope_name}</b> as <b>{roleLabel(i.role)}</b>.
        </>
      }
    >
      <form onSubmit={submit}>
        <Stack>
          <Alert variant="light" color="blue">
            <Text size="sm">
              Your login will be <b>{i.email}</b>. This link works once and expires {formatDateTime(i.expires_at)}.
            </Text>
          </Alert>
          <TextInput label="Your name" required value={name} onChange={(e) => setName(e.currentTarget.value)} error={accept.fieldError('name')} data-autofocus />
          <PasswordInput
            label="Choose a password"
            description="At least 10 characters."
            autoComplete="new-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={accept.fieldError('password')}
          />
          <PasswordInput
            label="Repeat the password"
            autoComplete="new-password"
            required
            value={password2}
            onChange={(e) => setPassword2(e.currentTarget.value)}
            error={mismatch ? 'The two passwords differ.' : undefined}
          />
          <ErrorAlert error={accept.error} title="Could not accept the invitation" />
          <Button type="submit" loading={accept.busy}>
            Accept and log in
          </Button>
        </Stack>
      </form>
    </PublicLayout>
  );
}
