/**
 * /invite/:token — the one-time link from an invitation. Nobody joins without saying yes here:
 *  - someone new chooses a name and a password (a new account) and is logged in;
 *  - someone with an account logs in (and comes back here) and accepts — the link never sets the
 *    password of an existing account;
 *  - logged in as the invited email: accept or decline.
 */
import { useIntl } from 'react-intl';
import { Link, useNavigate, useParams } from 'react-router';
import { Alert, Anchor, Button, Divider, Group, Loader, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { api, ApiError, type InvitationDto } from '../../api/index.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PublicLayout } from '../../components/PublicLayout.tsx';
import { formatDateTime } from '../../components/format.ts';
import { required, useApiForm } from '../../query/form.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { roleLabel } from '../../session/access.ts';
import { useSession } from '../../session/SessionContext.tsx';
import { authKeys } from '../../api/keys/auth.ts';

const homeOf = (scopeType: string, scopeId: string) => (scopeType === 'tenant' ? `/tenant/${scopeId}` : '/partner');

export function AcceptInvitationPage() {
  const intl = useIntl();
  const { token = '' } = useParams();
  const session = useSession();
  const inv = useApiQuery(authKeys.invitation(token), () => api.auth.invitation(token));

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
  const me = session.me;
  return (
    <PublicLayout
      title={`Join ${i.scope_name}`}
      subtitle={
        <>
          You have been invited to the {i.scope_type} <b>{i.scope_name}</b> as <b>{roleLabel(intl, i.role)}</b>.
        </>
      }
    >
      {me && me.user.email.toLowerCase() === i.email.toLowerCase() ? (
        <AcceptAsMe invitation={i} />
      ) : me ? (
        <Stack>
          <Alert variant="light" color="yellow" title="You are logged in as someone else">
            <Text size="sm">
              You are logged in as <b>{me.user.email}</b>; this invitation is for <b>{i.email}</b>. Log out to accept it as {i.email}.
            </Text>
          </Alert>
          <Button variant="default" onClick={() => void session.logout()}>
            Log out
          </Button>
        </Stack>
      ) : (
        <AcceptAsNewcomer invitation={i} token={token} />
      )}
    </PublicLayout>
  );
}

function AcceptAsMe({ invitation: i }: { invitation: InvitationDto }) {
  const navigate = useNavigate();
  const session = useSession();
  const accept = useApiMutation(() => api.auth.acceptMyInvitation(i.id), {
    success: `You joined ${i.scope_name}.`,
    onDone: async (r) => {
      await session.refresh();
      navigate(homeOf(r.scope_type, r.scope_id), { replace: true });
    },
  });
  const decline = useApiMutation(() => api.auth.declineMyInvitation(i.id), { success: 'Invitation declined.', onDone: () => navigate('/', { replace: true }) });
  return (
    <Stack>
      <Text size="sm">
        You are logged in as <b>{i.email}</b>. Accept to join {i.scope_name}; the link expires {formatDateTime(i.expires_at)}.
      </Text>
      <ErrorAlert error={accept.error ?? decline.error} title="Could not answer the invitation" />
      <Group>
        <Button onClick={() => void accept.run()} loading={accept.busy}>
          Accept invitation
        </Button>
        <Button variant="default" onClick={() => void decline.run()} loading={decline.busy}>
          Decline
        </Button>
      </Group>
    </Stack>
  );
}

function AcceptAsNewcomer({ invitation: i, token }: { invitation: InvitationDto; token: string }) {
  const navigate = useNavigate();
  const session = useSession();
  const accept = useApiMutation(
    async (v: { name: string; password: string }) => {
      const r = await api.auth.acceptInvitation(token, v.name.trim(), v.password);
      await session.login(i.email, v.password);
      return r;
    },
    { onDone: (r) => navigate(homeOf(r.scope_type, r.scope_id), { replace: true }) },
  );
  const form = useApiForm(
    {
      initialValues: { name: '', password: '', password2: '' },
      validate: {
        name: (v) => required(v, 'Enter your name.'),
        password: (v) => required(v, 'Choose a password.') ?? (v.length < 10 ? 'Use at least 10 characters.' : undefined),
        password2: (v, values) => (v !== values.password ? 'The two passwords differ.' : undefined),
      },
    },
    accept,
  );
  const hasAccount = accept.error instanceof ApiError && accept.error.code === 'invitation_login_required';
  const logIn = () => navigate('/login', { state: { from: `/invite/${token}` } });
  return (
    <Stack>
      <Alert variant="light" color="blue">
        <Text size="sm">
          This invitation is for <b>{i.email}</b>. The link works once and expires {formatDateTime(i.expires_at)}.
        </Text>
      </Alert>
      <Group justify="space-between" wrap="nowrap" gap="sm">
        <Text size="sm">Already have an account with this email?</Text>
        <Button variant="light" onClick={logIn} style={{ flexShrink: 0 }}>
          Log in to accept
        </Button>
      </Group>
      <Divider label="New here? Choose your name and password" labelPosition="center" />
      <form noValidate onSubmit={form.submit((v) => accept.run(v))}>
        <Stack>
          <TextInput label="Your name" withAsterisk {...form.getInputProps('name')} data-autofocus />
          <PasswordInput
            label="Choose a password"
            description="At least 10 characters."
            autoComplete="new-password"
            withAsterisk
            {...form.getInputProps('password')}
          />
          <PasswordInput
            label="Repeat the password"
            autoComplete="new-password"
            withAsterisk
            {...form.getInputProps('password2')}
          />
          {hasAccount ? (
            <Alert color="yellow" variant="light" title="You already have an account" data-testid="invitation-login-required">
              <Stack gap="xs">
                <Text size="sm">An account with {i.email} exists. Log in with its password, then accept the invitation.</Text>
                <Button size="xs" onClick={logIn} w="fit-content">
                  Log in to accept
                </Button>
              </Stack>
            </Alert>
          ) : (
            <ErrorAlert error={accept.error} title="Could not accept the invitation" />
          )}
          <Button type="submit" loading={accept.busy}>
            Accept and log in
          </Button>
        </Stack>
      </form>
    </Stack>
  );
}
