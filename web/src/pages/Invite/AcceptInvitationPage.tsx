/**
 * /invite/:token — the one-time link from an invitation. Nobody joins without saying yes here:
 *  - someone new chooses a name and a password (a new account) and is logged in;
 *  - someone with an account logs in (and comes back here) and accepts — the link never sets the
 *    password of an existing account;
 *  - logged in as the invited email: accept or decline.
 */
import type { ReactNode } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
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
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  title: { id: 'invite.title', defaultMessage: 'Accept invitation' },
  broken: { id: 'invite.broken.title', defaultMessage: 'This invitation link does not work' },
  brokenBody: { id: 'invite.broken.body', defaultMessage: 'Invitation links work once and expire. Ask the person who invited you to send a new one.' },
  goToLogin: { id: 'invite.go_to_login', defaultMessage: 'Go to log in' },
  join: { id: 'invite.join', defaultMessage: 'Join {organization}' },
  invitedTo: {
    id: 'invite.invited_to',
    defaultMessage: 'You have been invited to the {scope, select, tenant {tenant} partner {partner} other {{scope}}} <b>{organization}</b> as <b>{role}</b>.',
  },
  otherUserTitle: { id: 'invite.other_user.title', defaultMessage: 'You are logged in as someone else' },
  otherUserBody: {
    id: 'invite.other_user.body',
    defaultMessage: 'You are logged in as <b>{me}</b>; this invitation is for <b>{email}</b>. Log out to accept it as {email}.',
  },
  logOut: { id: 'invite.log_out', defaultMessage: 'Log out' },
  joined: { id: 'invite.joined', defaultMessage: 'You joined {organization}.' },
  declined: { id: 'invite.declined', defaultMessage: 'Invitation declined.' },
  asMe: {
    id: 'invite.as_me.body',
    defaultMessage: 'You are logged in as <b>{email}</b>. Accept to join {organization}; the link expires {expires}.',
  },
  answerFailed: { id: 'invite.answer_failed', defaultMessage: 'Could not answer the invitation' },
  accept: { id: 'invite.accept', defaultMessage: 'Accept invitation' },
  decline: { id: 'invite.decline', defaultMessage: 'Decline' },
  nameRequired: { id: 'invite.validation.name_required', defaultMessage: 'Enter your name.' },
  passwordRequired: { id: 'invite.validation.password_required', defaultMessage: 'Choose a password.' },
  tooShort: { id: 'invite.validation.too_short', defaultMessage: 'Use at least 10 characters.' },
  differ: { id: 'invite.validation.differ', defaultMessage: 'The two passwords differ.' },
  forEmail: { id: 'invite.newcomer.for_email', defaultMessage: 'This invitation is for <b>{email}</b>. The link works once and expires {expires}.' },
  haveAccount: { id: 'invite.newcomer.have_account', defaultMessage: 'Already have an account with this email?' },
  logInToAccept: { id: 'invite.newcomer.log_in_to_accept', defaultMessage: 'Log in to accept' },
  newHere: { id: 'invite.newcomer.new_here', defaultMessage: 'New here? Choose your name and password' },
  nameLabel: { id: 'invite.newcomer.name', defaultMessage: 'Your name' },
  passwordLabel: { id: 'invite.newcomer.password', defaultMessage: 'Choose a password' },
  passwordHint: { id: 'invite.newcomer.password_hint', defaultMessage: 'At least 10 characters.' },
  repeatLabel: { id: 'invite.newcomer.repeat', defaultMessage: 'Repeat the password' },
  accountExists: { id: 'invite.newcomer.account_exists.title', defaultMessage: 'You already have an account' },
  accountExistsBody: {
    id: 'invite.newcomer.account_exists.body',
    defaultMessage: 'An account with {email} exists. Log in with its password, then accept the invitation.',
  },
  acceptFailed: { id: 'invite.newcomer.accept_failed', defaultMessage: 'Could not accept the invitation' },
  acceptAndLogIn: { id: 'invite.newcomer.submit', defaultMessage: 'Accept and log in' },
});

const bold = (chunks: ReactNode[]) => <b>{chunks}</b>;

const homeOf = (scopeType: string, scopeId: string) => (scopeType === 'tenant' ? `/tenant/${scopeId}` : '/partner');

export function AcceptInvitationPage() {
  const intl = useIntl();
  const { token = '' } = useParams();
  const session = useSession();
  const inv = useApiQuery(authKeys.invitation(token), () => api.auth.invitation(token));

  if (inv.loading) {
    return (
      <PublicLayout title={intl.formatMessage(m.title)}>
        <Loader />
      </PublicLayout>
    );
  }
  if (inv.error || !inv.data) {
    return (
      <PublicLayout title={intl.formatMessage(m.title)}>
        <Stack>
          <ErrorAlert error={inv.error} title={intl.formatMessage(m.broken)} />
          <Text size="sm">{intl.formatMessage(m.brokenBody)}</Text>
          <Anchor component={Link} to="/login" size="sm">
            {intl.formatMessage(m.goToLogin)}
          </Anchor>
        </Stack>
      </PublicLayout>
    );
  }
  const i = inv.data;
  const me = session.me;
  return (
    <PublicLayout
      title={intl.formatMessage(m.join, { organization: i.scope_name })}
      subtitle={
        <FormattedMessage {...m.invitedTo} values={{ scope: i.scope_type, organization: i.scope_name, role: roleLabel(intl, i.role), b: bold }} />
      }
    >
      {me && me.user.email.toLowerCase() === i.email.toLowerCase() ? (
        <AcceptAsMe invitation={i} />
      ) : me ? (
        <Stack>
          <Alert variant="light" color="yellow" title={intl.formatMessage(m.otherUserTitle)}>
            <Text size="sm">
              <FormattedMessage {...m.otherUserBody} values={{ me: me.user.email, email: i.email, b: bold }} />
            </Text>
          </Alert>
          <Button variant="default" onClick={() => void session.logout()}>
            {intl.formatMessage(m.logOut)}
          </Button>
        </Stack>
      ) : (
        <AcceptAsNewcomer invitation={i} token={token} />
      )}
    </PublicLayout>
  );
}

function AcceptAsMe({ invitation: i }: { invitation: InvitationDto }) {
  const intl = useIntl();
  const navigate = useNavigate();
  const session = useSession();
  const accept = useApiMutation(() => api.auth.acceptMyInvitation(i.id), {
    success: intl.formatMessage(m.joined, { organization: i.scope_name }),
    onDone: async (r) => {
      await session.refresh();
      navigate(homeOf(r.scope_type, r.scope_id), { replace: true });
    },
  });
  const decline = useApiMutation(() => api.auth.declineMyInvitation(i.id), { success: intl.formatMessage(m.declined), onDone: () => navigate('/', { replace: true }) });
  return (
    <Stack>
      <Text size="sm">
        <FormattedMessage {...m.asMe} values={{ email: i.email, organization: i.scope_name, expires: formatDateTime(i.expires_at), b: bold }} />
      </Text>
      <ErrorAlert error={accept.error ?? decline.error} title={intl.formatMessage(m.answerFailed)} />
      <Group>
        <Button onClick={() => void accept.run()} loading={accept.busy}>
          {intl.formatMessage(m.accept)}
        </Button>
        <Button variant="default" onClick={() => void decline.run()} loading={decline.busy}>
          {intl.formatMessage(m.decline)}
        </Button>
      </Group>
    </Stack>
  );
}

function AcceptAsNewcomer({ invitation: i, token }: { invitation: InvitationDto; token: string }) {
  const intl = useIntl();
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
        name: (v) => required(v, intl.formatMessage(m.nameRequired)),
        password: (v) => required(v, intl.formatMessage(m.passwordRequired)) ?? (v.length < 10 ? intl.formatMessage(m.tooShort) : undefined),
        password2: (v, values) => (v !== values.password ? intl.formatMessage(m.differ) : undefined),
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
          <FormattedMessage {...m.forEmail} values={{ email: i.email, expires: formatDateTime(i.expires_at), b: bold }} />
        </Text>
      </Alert>
      <Group justify="space-between" wrap="nowrap" gap="sm">
        <Text size="sm">{intl.formatMessage(m.haveAccount)}</Text>
        <Button variant="light" onClick={logIn} style={{ flexShrink: 0 }}>
          {intl.formatMessage(m.logInToAccept)}
        </Button>
      </Group>
      <Divider label={intl.formatMessage(m.newHere)} labelPosition="center" />
      <form noValidate onSubmit={form.submit((v) => accept.run(v))}>
        <Stack>
          <TextInput label={intl.formatMessage(m.nameLabel)} withAsterisk {...form.getInputProps('name')} data-autofocus />
          <PasswordInput
            label={intl.formatMessage(m.passwordLabel)}
            description={intl.formatMessage(m.passwordHint)}
            autoComplete="new-password"
            withAsterisk
            {...form.getInputProps('password')}
          />
          <PasswordInput
            label={intl.formatMessage(m.repeatLabel)}
            autoComplete="new-password"
            withAsterisk
            {...form.getInputProps('password2')}
          />
          {hasAccount ? (
            <Alert color="yellow" variant="light" title={intl.formatMessage(m.accountExists)} data-testid="invitation-login-required">
              <Stack gap="xs">
                <Text size="sm">{intl.formatMessage(m.accountExistsBody, { email: i.email })}</Text>
                <Button size="xs" onClick={logIn} w="fit-content">
                  {intl.formatMessage(m.logInToAccept)}
                </Button>
              </Stack>
            </Alert>
          ) : (
            <ErrorAlert error={accept.error} title={intl.formatMessage(m.acceptFailed)} />
          )}
          <Button type="submit" loading={accept.busy}>
            {intl.formatMessage(m.acceptAndLogIn)}
          </Button>
        </Stack>
      </form>
    </Stack>
  );
}
