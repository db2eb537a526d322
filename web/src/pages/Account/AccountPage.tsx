/** Your account: invitations waiting for your answer, display name, password, personal API tokens (secret shown once). */
import { DataTable } from '../../components/DataTable.tsx';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { Badge, Button, Group, Modal, NumberInput, Paper, PasswordInput, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconKey, IconPlus } from '@tabler/icons-react';
import { api, type ApiTokenDto } from '../../api/index.ts';
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

export function AccountPage() {
  const me = useMe();
  const memberships = [
    ...(me.user.platform_role ? [`${roleLabel(me.user.platform_role)}`] : []),
    ...(me.partner ? [`${roleLabel(me.partner.role)} at ${me.partner.name}`] : []),
    ...me.tenants.map((t) => `${roleLabel(t.role)} at ${t.name}`),
  ];
  return (
    <>
      <PageHeader title="Your account" description={`${me.user.email}${memberships.length ? ' · ' + memberships.join(' · ') : ''}`} />
      <Stack gap="lg" maw={960}>
        <MyInvitationsCard />
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          <ProfileCard />
          <PasswordCard />
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
  const invitations = useApiQuery(authKeys.myInvitations, () => api.auth.myInvitations());
  const accept = useApiMutation((id: string) => api.auth.acceptMyInvitation(id), {
    success: (r) => `You joined as ${roleLabel(r.role)}.`,
    onDone: async (r) => {
      await refresh();
      navigate(r.scope_type === 'tenant' ? `/tenant/${r.scope_id}` : '/partner');
    },
  });
  const decline = useApiMutation((id: string) => api.auth.declineMyInvitation(id), { success: 'Invitation declined.', onDone: () => invitations.reload() });
  const rows = invitations.data?.data ?? [];
  if (rows.length === 0) return null;
  return (
    <Paper withBorder p="lg" radius="md" data-testid="my-invitations">
      <Stack>
        <Title order={4}>Invitations</Title>
        <ErrorAlert error={accept.error ?? decline.error} title="Could not answer the invitation" />
        {rows.map((i) => (
          <Group key={i.id} justify="space-between" data-invitation={i.id}>
            <Text size="sm">
              Join the {i.scope_type} <b>{i.scope_name}</b> as <b>{roleLabel(i.role)}</b>{' '}
              <Text span c="dimmed" size="xs">
                (until {formatDateTime(i.expires_at)})
              </Text>
            </Text>
            <Group gap="xs">
              <Button size="xs" onClick={() => void accept.run(i.id)} loading={accept.busy}>
                Accept
              </Button>
              <Button size="xs" variant="default" onClick={() => void decline.run(i.id)} loading={decline.busy}>
                Decline
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
  const { refresh } = useSession();
  const save = useApiMutation((name: string) => api.auth.updateMe(name.trim()), { success: 'Your name was saved.', onDone: () => void refresh() });
  const form = useApiForm({ initialValues: { name: me.user.name }, validate: { name: (v: string) => required(v, 'Enter the name others see for you.') } }, save);
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
          <Title order={4}>Profile</Title>
          <TextInput label="Email" value={me.user.email} readOnly description="Your login; it cannot be changed here." />
          <TextInput label="Display name" withAsterisk {...form.getInputProps('name')} />
          <ErrorAlert error={save.error} />
          <Group justify="flex-end">
            <Button type="submit" loading={save.busy} disabled={name.trim() === me.user.name}>
              Save name
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function PasswordCard() {
  const change = useApiMutation((current: string, next: string) => api.auth.changePassword(current, next), {
    success: 'Password changed. Your other sessions have been logged out.',
    onDone: () => form.reset(),
  });
  const form = useApiForm(
    {
      initialValues: { current_password: '', new_password: '', repeat: '' },
      validate: {
        current_password: (v: string) => required(v, 'Enter your current password.'),
        new_password: (v: string) => required(v, 'Choose a new password.') ?? (v.length < 10 ? 'Use at least 10 characters.' : undefined),
        repeat: (v: string, all) => required(v, 'Type the new password again.') ?? (v !== all.new_password ? 'The two passwords differ.' : undefined),
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
          <Title order={4}>Password</Title>
          <PasswordInput label="Current password" autoComplete="current-password" withAsterisk {...form.getInputProps('current_password')} />
          <PasswordInput
            label="New password"
            description="At least 10 characters. Changing it logs out your other sessions."
            autoComplete="new-password"
            withAsterisk
            {...form.getInputProps('new_password')}
          />
          <PasswordInput label="Repeat the new password" autoComplete="new-password" withAsterisk {...form.getInputProps('repeat')} />
          <ErrorAlert error={change.error} title="The password was not changed" />
          <Group justify="flex-end">
            <Button type="submit" loading={change.busy}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function ApiTokensCard() {
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
        name: (v) => required(v, 'Say what the token is for.'),
        expires_in_days: (v) => (v === '' || (typeof v === 'number' && v >= 1 && v <= 3650) ? undefined : 'Enter a number of days from 1 to 3650, or leave it empty.'),
      },
    },
    create,
    { resetWhen: createOpen },
  );
  const revoke = useApiMutation((id: string) => api.auth.revokeToken(id), {
    success: 'Token revoked. It stops working at once.',
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
            <Title order={4}>Personal API tokens</Title>
            <Text size="sm" c="dimmed">
              For scripts and tools that work on your behalf: paste the token where the tool asks for an API token. It acts as you, with your roles, so keep it as secret as a password.
            </Text>
          </div>
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreateOpen(true)}>
            New token
          </Button>
        </Group>
        <ErrorAlert error={tokens.error} />
        <DataTable
          testId="api-tokens"
          records={rows}
          rowKey={(t) => t.id}
          verticalSpacing="xs"
          empty="You have no API tokens."
          loading={tokens.loading}
          columns={[
            { key: 'name', title: 'Name', mobile: 'title', render: (t) => t.name },
            {
              key: 'prefix',
              title: 'Prefix',
              render: (t) => (
                <>
                  <code>{t.token_prefix}…</code>
                </>
              ),
            },
            { key: 'created', title: 'Created', render: (t) => formatDateTime(t.created_at) },
            { key: 'last_used', title: 'Last used', render: (t) => (t.last_used_at ? formatDateTime(t.last_used_at) : 'never') },
            { key: 'expires', title: 'Expires', render: (t) => (t.expires_at ? formatDateTime(t.expires_at) : 'never') },
            {
              key: 'actions',
              title: '',
              label: 'Actions',
              mobile: 'footer',
              align: 'right',
              render: (t) => (
                <>
                  {t.revoked_at ? (
                    <Badge color="gray" variant="light">
                      revoked
                    </Badge>
                  ) : (
                    <Button size="xs" variant="subtle" color="red" onClick={() => { revoke.reset(); setRevoking(t); }}>
                      Revoke
                    </Button>
                  )}
                </>
              ),
            },
          ]}
        />
      </Stack>

      <Modal opened={createOpen} onClose={() => setCreateOpen(false)} title="New personal API token">
        <form noValidate onSubmit={form.submit((v) => create.run(v))}>
          <Stack>
            <TextInput label="Name" description="What the token is for, e.g. “billing export script”." withAsterisk {...form.getInputProps('name')} data-autofocus />
            <NumberInput label="Expires after (days)" description="Leave empty for a token that never expires." min={1} max={3650} {...form.getInputProps('expires_in_days')} />
            <ErrorAlert error={create.error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setCreateOpen(false)}>
                Cancel
              </Button>
              <Button type="submit" loading={create.busy} leftSection={<IconKey size={16} />}>
                Create token
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>

      <Modal opened={!!secret} onClose={() => setSecret(null)} title="Your new API token" size="lg" closeOnClickOutside={false}>
        {secret && (
          <Stack>
            <OneTimeSecret label={secret.name} value={secret.token} />
            <Group justify="flex-end">
              <Button onClick={() => setSecret(null)}>I have copied it</Button>
            </Group>
          </Stack>
        )}
      </Modal>

      <ReasonModal
        opened={!!revoking}
        title="Revoke this token?"
        message={<>Anything using “{revoking?.name}” stops working on its next request. This cannot be undone.</>}
        confirmLabel="Revoke token"
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
