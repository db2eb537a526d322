/** Your account: invitations waiting for your answer, display name, language, password, personal API tokens (secret shown once). */
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { Badge, Button, Group, Modal, NumberInput, Paper, PasswordInput, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { FormattedMessage, useIntl, type IntlShape } from 'react-intl';
import { IconKey, IconPlus } from '@tabler/icons-react';
import { api, type ApiTokenDto } from '../../api/index.ts';
import { SdkGuideLink } from '../../components/SdkGuideLink.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { OneTimeSecret } from '../../components/OneTimeSecret.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ReasonModal } from '../../components/ReasonModal.tsx';
import { formatDateTime } from '../../components/format.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { required, useApiForm } from '../../query/form.ts';
import { useMe, useSession } from '../../session/SessionContext.tsx';
import { roleLabel } from '../../session/access.ts';
import { authKeys } from '../../api/keys/auth.ts';
import { defineMessages } from '../../i18n/define.ts';
import { LANGUAGE_NAMES, type Language } from '../../i18n/locales.ts';

const m = defineMessages({
  title: { id: 'account.title', defaultMessage: 'Your account' },
  roleAt: { id: 'account.role_at', defaultMessage: '{role} at {organization}' },
  joined: { id: 'account.invitations.joined', defaultMessage: 'You joined as {role}.' },
  declined: { id: 'account.invitations.declined', defaultMessage: 'Invitation declined.' },
  nameSaved: { id: 'account.profile.saved', defaultMessage: 'Your name was saved.' },
  nameRequired: { id: 'account.profile.name_required', defaultMessage: 'Enter the name others see for you.' },
  passwordChanged: { id: 'account.password.changed', defaultMessage: 'Password changed. Your other sessions have been logged out.' },
  currentRequired: { id: 'account.password.current_required', defaultMessage: 'Enter your current password.' },
  newRequired: { id: 'account.password.new_required', defaultMessage: 'Choose a new password.' },
  tooShort: { id: 'account.password.too_short', defaultMessage: 'Use at least 10 characters.' },
  repeatRequired: { id: 'account.password.repeat_required', defaultMessage: 'Type the new password again.' },
  differ: { id: 'account.password.differ', defaultMessage: 'The two passwords differ.' },
  tokenPurpose: { id: 'account.tokens.name_required', defaultMessage: 'Say what the token is for.' },
  tokenDays: { id: 'account.tokens.days_invalid', defaultMessage: 'Enter a number of days from 1 to 3650, or leave it empty.' },
  tokenRevoked: { id: 'account.tokens.revoked', defaultMessage: 'Token revoked. It stops working at once.' },
  never: { id: 'account.tokens.never', defaultMessage: 'never' },
  languageSaved: { id: 'account.language.saved', defaultMessage: 'The portal now speaks {language}.' },
  followOrganization: { id: 'account.language.follow_organization', defaultMessage: 'As my organization chose ({language})' },
  followBrowser: { id: 'account.language.follow_browser', defaultMessage: 'As my browser asks ({language})' },
});

export function AccountPage() {
  const me = useMe();
  const intl = useIntl();
  const memberships = [
    ...(me.user.platform_role ? [roleLabel(intl, me.user.platform_role)] : []),
    ...(me.partner ? [intl.formatMessage(m.roleAt, { role: roleLabel(intl, me.partner.role), organization: me.partner.name })] : []),
    ...me.tenants.map((t) => intl.formatMessage(m.roleAt, { role: roleLabel(intl, t.role), organization: t.name })),
  ];
  return (
    <>
      <PageHeader title={intl.formatMessage(m.title)} description={[me.user.email, ...memberships].join(' · ')} />
      <Stack gap="lg" maw={960}>
        <MyInvitationsCard />
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          <ProfileCard />
          <LanguageCard />
          {me.has_password === false ? <NoPasswordCard /> : <PasswordCard />}
        </SimpleGrid>
        <ApiTokensCard />
      </Stack>
    </>
  );
}

/** Invitations addressed to your email: nobody joins a tenant or a partner without accepting here or through the link. */
function MyInvitationsCard() {
  const { refresh } = useSession();
  const navigate = useNavigate();
  const intl = useIntl();
  const invitations = useApiQuery(authKeys.myInvitations, () => api.auth.myInvitations());
  const accept = useApiMutation((id: string) => api.auth.acceptMyInvitation(id), {
    success: (r) => intl.formatMessage(m.joined, { role: roleLabel(intl, r.role) }),
    onDone: async (r) => {
      await refresh();
      navigate(r.scope_type === 'tenant' ? `/tenant/${r.scope_id}` : '/partner');
    },
  });
  const decline = useApiMutation((id: string) => api.auth.declineMyInvitation(id), { success: intl.formatMessage(m.declined), onDone: () => invitations.reload() });
  const rows = invitations.data?.data ?? [];
  if (rows.length === 0) return null;
  return (
    <Paper withBorder p="lg" radius="md" data-testid="my-invitations">
      <Stack>
        <Title order={3} size="h4">
          <FormattedMessage id="account.invitations.title" defaultMessage="Invitations" />
        </Title>
        <ErrorAlert error={accept.error ?? decline.error} title={intl.formatMessage({ id: 'account.invitations.failed', defaultMessage: 'Could not answer the invitation' })} />
        {rows.map((i) => (
          <Group key={i.id} justify="space-between" data-invitation={i.id}>
            <Text size="sm">
              <FormattedMessage
                id="account.invitations.join"
                defaultMessage="Join the {kind, select, tenant {customer} other {partner}} <b>{organization}</b> as <b>{role}</b> <until>(until {date})</until>"
                values={{
                  kind: i.scope_type,
                  organization: i.scope_name,
                  role: roleLabel(intl, i.role),
                  date: formatDateTime(i.expires_at),
                  b: (chunks) => <b>{chunks}</b>,
                  until: (chunks) => (
                    <Text span c="dimmed" size="xs">
                      {chunks}
                    </Text>
                  ),
                }}
              />
            </Text>
            <Group gap="xs">
              <Button size="xs" onClick={() => void accept.run(i.id)} loading={accept.busy}>
                <FormattedMessage id="account.invitations.accept" defaultMessage="Accept" />
              </Button>
              <Button size="xs" variant="default" onClick={() => void decline.run(i.id)} loading={decline.busy}>
                <FormattedMessage id="account.invitations.decline" defaultMessage="Decline" />
              </Button>
            </Group>
          </Group>
        ))}
      </Stack>
    </Paper>
  );
}

function ProfileCard() {
  const me = useMe();
  const intl = useIntl();
  const { refresh } = useSession();
  const save = useApiMutation((name: string) => api.auth.updateMe(name.trim()), { success: intl.formatMessage(m.nameSaved), onDone: () => void refresh() });
  const form = useApiForm({ initialValues: { name: me.user.name }, validate: { name: (v: string) => required(v, intl.formatMessage(m.nameRequired)) } }, save);
  // biome-ignore lint/correctness/useExhaustiveDependencies: when the saved name changes
  useEffect(() => {
    form.setValues({ name: me.user.name });
    form.resetDirty({ name: me.user.name });
  }, [me.user.name]);
  const name = form.values.name;
  return (
    <Paper withBorder p="lg" radius="md">
      <form noValidate onSubmit={form.submit((v) => save.run(v.name))}>
        <Stack>
          <Title order={3} size="h4">
            <FormattedMessage id="account.profile.title" defaultMessage="Profile" />
          </Title>
          <TextInput
            label={intl.formatMessage({ id: 'account.profile.email', defaultMessage: 'Email' })}
            value={me.user.email}
            readOnly
            description={intl.formatMessage({ id: 'account.profile.email_help', defaultMessage: 'Your login; it cannot be changed here.' })}
          />
          <TextInput label={intl.formatMessage({ id: 'account.profile.display_name', defaultMessage: 'Display name' })} withAsterisk {...form.getInputProps('name')} />
          <ErrorAlert error={save.error} />
          <Group justify="flex-end">
            <Button type="submit" loading={save.busy} disabled={name.trim() === me.user.name}>
              <FormattedMessage id="account.profile.save" defaultMessage="Save name" />
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

/**
 * The language the portal, the sign-in and consent pages, e-mails and notices use for you: one you choose, or
 * your organization's (when it set one), else your browser's.
 */
function LanguageCard() {
  const me = useMe();
  const intl = useIntl();
  const { refresh } = useSession();
  const FOLLOW = 'follow';
  const save = useApiMutation((locale: string | null) => api.auth.setLanguage(locale), {
    success: (r) => intl.formatMessage(m.languageSaved, { language: LANGUAGE_NAMES[r.locale.current as Language] ?? r.locale.current }),
    onDone: () => void refresh(),
  });
  const org = me.locale.organization as Language | null;
  const followLabel = org
    ? intl.formatMessage(m.followOrganization, { language: LANGUAGE_NAMES[org] ?? org })
    : intl.formatMessage(m.followBrowser, { language: LANGUAGE_NAMES[me.locale.current as Language] ?? me.locale.current });
  return (
    <Paper withBorder p="lg" radius="md" data-testid="language-card">
      <Stack>
        <Title order={3} size="h4">
          <FormattedMessage id="account.language.title" defaultMessage="Language" />
        </Title>
        <Select
          label={intl.formatMessage({ id: 'account.language.label', defaultMessage: 'Language of the portal and of what is sent to you' })}
          description={intl.formatMessage({
            id: 'account.language.help',
            defaultMessage: 'The portal, the sign-in and consent pages, your notices and their e-mails, and your PDF invoices use it, and write amounts and dates as it does.',
          })}
          data={[{ value: FOLLOW, label: followLabel }, ...me.locale.available.map((l) => ({ value: l, label: LANGUAGE_NAMES[l as Language] ?? l }))]}
          value={me.locale.chosen ?? FOLLOW}
          allowDeselect={false}
          disabled={save.busy}
          onChange={(v) => v && void save.run(v === FOLLOW ? null : v)}
          data-testid="language-select"
        />
        <ErrorAlert error={save.error} />
      </Stack>
    </Paper>
  );
}

/** Someone created by their organization's single sign-on or directory: no password here to change. */
function NoPasswordCard() {
  return (
    <Paper withBorder p="lg" radius="md" data-testid="no-password">
      <Stack gap="xs">
        <Title order={3} size="h4">
          <FormattedMessage id="account.password.title" defaultMessage="Password" />
        </Title>
        <Text size="sm">
          <FormattedMessage
            id="account.password.none"
            defaultMessage="You sign in through your organization's single sign-on, so you have no password here. Your organization's identity provider manages how you sign in."
          />
        </Text>
      </Stack>
    </Paper>
  );
}

function PasswordCard() {
  const intl = useIntl();
  const change = useApiMutation((current: string, next: string) => api.auth.changePassword(current, next), {
    success: intl.formatMessage(m.passwordChanged),
    onDone: () => form.reset(),
  });
  const form = useApiForm(
    {
      initialValues: { current_password: '', new_password: '', repeat: '' },
      validate: {
        current_password: (v: string) => required(v, intl.formatMessage(m.currentRequired)),
        new_password: (v: string) => required(v, intl.formatMessage(m.newRequired)) ?? (v.length < 10 ? intl.formatMessage(m.tooShort) : undefined),
        repeat: (v: string, all) => required(v, intl.formatMessage(m.repeatRequired)) ?? (v !== all.new_password ? intl.formatMessage(m.differ) : undefined),
      },
    },
    change,
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the server answers
  useEffect(() => {
    // older servers name the field `password`
    const e = form.errors.password;
    if (e) form.setFieldError('new_password', e);
  }, [form.errors.password]);
  return (
    <Paper withBorder p="lg" radius="md">
      <form noValidate onSubmit={form.submit((v) => change.run(v.current_password, v.new_password))}>
        <Stack>
          <Title order={3} size="h4">
            <FormattedMessage id="account.password.title" defaultMessage="Password" />
          </Title>
          <PasswordInput
            label={intl.formatMessage({ id: 'account.password.current', defaultMessage: 'Current password' })}
            autoComplete="current-password"
            withAsterisk
            {...form.getInputProps('current_password')}
          />
          <PasswordInput
            label={intl.formatMessage({ id: 'account.password.new', defaultMessage: 'New password' })}
            description={intl.formatMessage({ id: 'account.password.new_help', defaultMessage: 'At least 10 characters. Changing it logs out your other sessions.' })}
            autoComplete="new-password"
            withAsterisk
            {...form.getInputProps('new_password')}
          />
          <PasswordInput
            label={intl.formatMessage({ id: 'account.password.repeat', defaultMessage: 'Repeat the new password' })}
            autoComplete="new-password"
            withAsterisk
            {...form.getInputProps('repeat')}
          />
          <ErrorAlert error={change.error} title={intl.formatMessage({ id: 'account.password.failed', defaultMessage: 'The password was not changed' })} />
          <Group justify="flex-end">
            <Button type="submit" loading={change.busy}>
              <FormattedMessage id="account.password.change" defaultMessage="Change password" />
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function ApiTokensCard() {
  const intl = useIntl();
  const tokens = useApiQuery(authKeys.tokens, () => api.auth.listTokens());
  const [createOpen, setCreateOpen] = useState(false);
  const [secret, setSecret] = useState<{ name: string; token: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiTokenDto | null>(null);

  const create = useApiMutation((v: { name: string; expires_in_days: number | string }) => api.auth.createToken(v.name.trim(), typeof v.expires_in_days === 'number' && v.expires_in_days > 0 ? v.expires_in_days : null), {
    onDone: (r) => {
      setCreateOpen(false);
      setSecret({ name: r.api_token.name, token: r.token });
      tokens.reload();
    },
  });
  const form = useApiForm<{ name: string; expires_in_days: number | string }>(
    {
      initialValues: { name: '', expires_in_days: 90 },
      validate: {
        name: (v) => required(v, intl.formatMessage(m.tokenPurpose)),
        expires_in_days: (v) => (v === '' || (typeof v === 'number' && v >= 1 && v <= 3650) ? undefined : intl.formatMessage(m.tokenDays)),
      },
    },
    create,
    { resetWhen: createOpen },
  );
  const revoke = useApiMutation((id: string) => api.auth.revokeToken(id), {
    success: intl.formatMessage(m.tokenRevoked),
    onDone: () => {
      setRevoking(null);
      tokens.reload();
    },
  });

  const rows = tokens.data?.data ?? [];
  return (
    <Paper withBorder p="lg" radius="md">
      <Stack>
        <Group justify="space-between">
          <div>
            <Title order={3} size="h4">
              <FormattedMessage id="account.tokens.title" defaultMessage="Personal API tokens" />
            </Title>
            <Text size="sm" c="dimmed">
              <FormattedMessage
                id="account.tokens.intro"
                defaultMessage="For scripts and tools that work on your behalf: paste the token where the tool asks for an API token. It acts as you, with your roles, so keep it as secret as a password."
              />
            </Text>
          </div>
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreateOpen(true)}>
            <FormattedMessage id="account.tokens.new" defaultMessage="New token" />
          </Button>
        </Group>
        <SdkGuideLink />
        <ErrorAlert error={tokens.error} />
        <DataTable
          testId="api-tokens"
          records={rows}
          rowKey={(t) => t.id}
          verticalSpacing="xs"
          empty={intl.formatMessage({ id: 'account.tokens.empty', defaultMessage: 'You have no API tokens.' })}
          loading={tokens.loading}
          columns={tokenColumns(intl, (t) => {
            revoke.reset();
            setRevoking(t);
          })}
        />
      </Stack>

      <Modal opened={createOpen} onClose={() => setCreateOpen(false)} title={intl.formatMessage({ id: 'account.tokens.new_title', defaultMessage: 'New personal API token' })}>
        <form noValidate onSubmit={form.submit((v) => create.run(v))}>
          <Stack>
            <TextInput
              label={intl.formatMessage({ id: 'account.tokens.name', defaultMessage: 'Name' })}
              description={intl.formatMessage({ id: 'account.tokens.name_help', defaultMessage: 'What the token is for, e.g. “billing export script”.' })}
              withAsterisk
              {...form.getInputProps('name')}
              data-autofocus
            />
            <NumberInput
              label={intl.formatMessage({ id: 'account.tokens.expires_after', defaultMessage: 'Expires after (days)' })}
              description={intl.formatMessage({ id: 'account.tokens.expires_help', defaultMessage: 'Leave empty for a token that never expires.' })}
              min={1}
              max={3650}
              {...form.getInputProps('expires_in_days')}
            />
            <ErrorAlert error={create.error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setCreateOpen(false)}>
                <FormattedMessage id="common.cancel" defaultMessage="Cancel" />
              </Button>
              <Button type="submit" loading={create.busy} leftSection={<IconKey size={16} />}>
                <FormattedMessage id="account.tokens.create" defaultMessage="Create token" />
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>

      <Modal opened={!!secret} onClose={() => setSecret(null)} title={intl.formatMessage({ id: 'account.tokens.secret_title', defaultMessage: 'Your new API token' })} size="lg" closeOnClickOutside={false}>
        {secret && (
          <Stack>
            <OneTimeSecret label={secret.name} value={secret.token} />
            <Group justify="flex-end">
              <Button onClick={() => setSecret(null)}>
                <FormattedMessage id="account.tokens.copied" defaultMessage="I have copied it" />
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>

      <ReasonModal
        opened={!!revoking}
        title={intl.formatMessage({ id: 'account.tokens.revoke_title', defaultMessage: 'Revoke this token?' })}
        message={
          <FormattedMessage
            id="account.tokens.revoke_message"
            defaultMessage="Anything using “{name}” stops working on its next request. This cannot be undone."
            values={{ name: revoking?.name }}
          />
        }
        confirmLabel={intl.formatMessage({ id: 'account.tokens.revoke_confirm', defaultMessage: 'Revoke token' })}
        color="red"
        reason="none"
        busy={revoke.busy}
        error={revoke.error}
        onClose={() => setRevoking(null)}
        onConfirm={() => revoking && void revoke.run(revoking.id)}
      />
    </Paper>
  );
}

/** The token table's columns; `onRevoke` asks before revoking. */
function tokenColumns(intl: IntlShape, onRevoke: (t: ApiTokenDto) => void): Column<ApiTokenDto>[] {
  return [
            { key: 'name', title: intl.formatMessage({ id: 'account.tokens.name', defaultMessage: 'Name' }), mobile: 'title', render: (t) => t.name },
            {
              key: 'prefix',
              title: intl.formatMessage({ id: 'account.tokens.prefix', defaultMessage: 'Prefix' }),
              render: (t) => (
                <>
                  <code>{t.token_prefix}…</code>
                </>
              ),
            },
            { key: 'created', title: intl.formatMessage({ id: 'account.tokens.created', defaultMessage: 'Created' }), render: (t) => formatDateTime(t.created_at) },
            {
              key: 'last_used',
              title: intl.formatMessage({ id: 'account.tokens.last_used', defaultMessage: 'Last used' }),
              render: (t) => (t.last_used_at ? formatDateTime(t.last_used_at) : intl.formatMessage(m.never)),
            },
            { key: 'expires', title: intl.formatMessage({ id: 'account.tokens.expires', defaultMessage: 'Expires' }), render: (t) => (t.expires_at ? formatDateTime(t.expires_at) : intl.formatMessage(m.never)) },
            {
              key: 'actions',
              title: '',
              label: intl.formatMessage({ id: 'account.tokens.actions', defaultMessage: 'Actions' }),
              mobile: 'footer',
              align: 'right',
              render: (t) => (
                <>
                  {t.revoked_at ? (
                    <Badge color="gray" variant="light">
                      <FormattedMessage id="account.tokens.revoked_badge" defaultMessage="revoked" />
                    </Badge>
                  ) : (
                    <Button size="xs" variant="subtle" color="red" onClick={() => onRevoke(t)}>
                      <FormattedMessage id="account.tokens.revoke" defaultMessage="Revoke" />
                    </Button>
                  )}
                </>
              ),
            },
  ];
}
