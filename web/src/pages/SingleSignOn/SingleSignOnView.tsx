/**
 * An organization's single sign-on, in plain words: which verified domains it covers, the company
 * sign-in it sends people to (OpenID Connect or SAML), which role each group of the provider gives,
 * whether the provider's two-step sign-in counts, and whether company sign-in is required (with the
 * one owner who keeps a password). "Test sign-in" opens the provider in a new window and shows what
 * it said, creating nobody.
 */
import { useEffect, useState, type Dispatch, type SetStateAction } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { ActionIcon, Button, Card, Checkbox, Group, Modal, SegmentedControl, Select, SimpleGrid, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { IconExternalLink, IconPlus, IconTrash } from '@tabler/icons-react';
import { ssoApi, type SsoConnectionInput, type SsoOrg, type SsoSettings } from '../../api/sso.ts';
import { ssoKeys } from '../../api/keys/sso.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { OidcFields, SamlFields, SsoDomainsCard, SsoStatusCard } from './SingleSignOnParts.tsx';
import type { AuthMethod, Draft } from './ssoDraft.ts';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  saved: { id: 'single_sign_on.saved', defaultMessage: 'Single sign-on settings saved.' },
  removed: { id: 'single_sign_on.removed', defaultMessage: 'The company sign-in was removed. People sign in with passwords again.' },
  title: { id: 'single_sign_on.title', defaultMessage: 'Single sign-on' },
  description: {
    id: 'single_sign_on.description',
    defaultMessage:
      'Let the people of {who} sign in with their own company account (Microsoft Entra ID, Okta, Google Workspace and the like) instead of a password kept here.',
  },
  loading: { id: 'single_sign_on.loading', defaultMessage: 'Loading your single sign-on settings…' },
  yourSignIn: { id: 'single_sign_on.your_sign_in', defaultMessage: 'Your company sign-in' },
  kindLabel: { id: 'single_sign_on.kind.label', defaultMessage: 'How your provider talks to us' },
  oidc: { id: 'single_sign_on.kind.oidc', defaultMessage: 'OpenID Connect' },
  saml: { id: 'single_sign_on.kind.saml', defaultMessage: 'SAML 2.0' },
  kindHelp: {
    id: 'single_sign_on.kind.help',
    defaultMessage: 'Most providers offer both; OpenID Connect is simpler to set up. Choose SAML if your provider only offers that.',
  },
  name: { id: 'single_sign_on.name', defaultMessage: 'Name' },
  nameHelp: { id: 'single_sign_on.name_help', defaultMessage: 'What your people will recognise, such as “Contoso Entra ID”.' },
  claimEmail: { id: 'single_sign_on.claims.email', defaultMessage: 'E-mail comes in' },
  claimName: { id: 'single_sign_on.claims.name', defaultMessage: 'Name comes in' },
  claimGroups: { id: 'single_sign_on.claims.groups', defaultMessage: 'Groups come in' },
  claimHelp: { id: 'single_sign_on.claims.help', defaultMessage: 'the claim or attribute name' },
  mayDo: { id: 'single_sign_on.roles.title', defaultMessage: 'What people may do here' },
  mayDoHelp: {
    id: 'single_sign_on.roles.help',
    defaultMessage:
      'People without an account here get one on their first sign-in. Their role follows their groups at your provider at every sign-in: the broadest role of their groups below, or the default role when none matches.',
  },
  defaultRole: { id: 'single_sign_on.roles.default_role', defaultMessage: 'Default role' },
  defaultRoleHelp: { id: 'single_sign_on.roles.default_role_help', defaultMessage: 'For people in none of the groups below.' },
  group: { id: 'single_sign_on.roles.group', defaultMessage: 'Group {number} at your provider' },
  givesRole: { id: 'single_sign_on.roles.gives_role', defaultMessage: 'gives the role' },
  removeGroup: { id: 'single_sign_on.roles.remove_group', defaultMessage: 'Remove group {group}' },
  addGroup: { id: 'single_sign_on.roles.add_group', defaultMessage: 'Add a group' },
  trustMfa: { id: 'single_sign_on.trust_mfa', defaultMessage: 'Count the two-step sign-in done at your provider' },
  trustMfaHelp: {
    id: 'single_sign_on.trust_mfa_help',
    defaultMessage:
      'When your provider says the person used a second factor (an authenticator app, a security key), it satisfies the two-step sign-in our customers may require. Leave this off if your provider does not ask for one.',
  },
  requireSso: { id: 'single_sign_on.require', defaultMessage: 'Require company sign-in' },
  requireSsoHelp: {
    id: 'single_sign_on.require_help',
    defaultMessage:
      'People with an address on your verified domains can no longer sign in here with a password or reset one. One owner keeps a password, in case your provider is down.',
  },
  breakGlass: { id: 'single_sign_on.break_glass', defaultMessage: 'Who keeps a password (break glass)' },
  breakGlassHelp: { id: 'single_sign_on.break_glass_help', defaultMessage: 'This person can always sign in with their password.' },
  breakGlassPlaceholder: { id: 'single_sign_on.break_glass_placeholder', defaultMessage: 'Choose an owner' },
  enabled: { id: 'single_sign_on.enabled', defaultMessage: 'Switched on: people of the verified domains are sent to this sign-in' },
  notSaved: { id: 'single_sign_on.not_saved', defaultMessage: 'The settings were not saved' },
  save: { id: 'single_sign_on.save', defaultMessage: 'Save' },
  test: { id: 'single_sign_on.test', defaultMessage: 'Test sign-in' },
  remove: { id: 'single_sign_on.remove', defaultMessage: 'Remove' },
  testHelp: {
    id: 'single_sign_on.test_help',
    defaultMessage:
      'Test sign-in opens your provider in a new window; sign in there with any account of yours to see what it tells us and the role it would get. Nobody is added and nothing changes.',
  },
  removeTitle: { id: 'single_sign_on.remove_title', defaultMessage: 'Remove your company sign-in?' },
  removeText: {
    id: 'single_sign_on.remove_text',
    defaultMessage: 'People keep their accounts and roles, but must sign in with a password (or reset one) from now on. You can set the company sign-in up again later.',
  },
  keep: { id: 'single_sign_on.keep', defaultMessage: 'Keep it' },
});


function draftOf(s: SsoSettings): Draft {
  const c = s.connection;
  return {
    kind: c?.kind ?? 'oidc',
    name: c?.name ?? '',
    enabled: c?.enabled ?? true,
    issuer: c?.oidc?.issuer ?? '',
    clientId: c?.oidc?.client_id ?? '',
    authMethod: (c?.oidc?.auth_method as AuthMethod | undefined) ?? 'client_secret_basic',
    clientSecret: '',
    metadataXml: '',
    metadataUrl: c?.saml?.idp_metadata_url ?? '',
    allowIdpInitiated: c?.saml?.allow_idp_initiated ?? false,
    claimEmail: c?.claims.email ?? 'email',
    claimName: c?.claims.name ?? 'name',
    claimGroups: c?.claims.groups ?? 'groups',
    defaultRole: c?.default_role ?? s.roles[s.roles.length - 1]?.id ?? '',
    mappings: c?.role_mappings.map((m) => ({ group: m.group, role: m.role })) ?? [],
    trustMfa: c?.trust_upstream_mfa ?? false,
    requireSso: c?.require_sso ?? false,
    breakGlass: c?.break_glass_user_id ?? null,
  };
}

function inputOf(d: Draft): SsoConnectionInput {
  return {
    kind: d.kind,
    name: d.name.trim() || 'Company sign-in',
    enabled: d.enabled,
    ...(d.kind === 'oidc'
      ? { oidc: { issuer: d.issuer.trim(), client_id: d.clientId.trim(), auth_method: d.authMethod, ...(d.clientSecret ? { client_secret: d.clientSecret } : {}), scopes: 'openid email profile' + (d.claimGroups ? ' groups' : '') } }
      : { saml: { ...(d.metadataXml.trim() ? { idp_metadata_xml: d.metadataXml.trim() } : {}), idp_metadata_url: d.metadataUrl.trim() || null, allow_idp_initiated: d.allowIdpInitiated } }),
    claims: { email: d.claimEmail, name: d.claimName, groups: d.claimGroups },
    default_role: d.defaultRole,
    role_mappings: d.mappings.filter((m) => m.group.trim()),
    trust_upstream_mfa: d.trustMfa,
    require_sso: d.requireSso,
    break_glass_user_id: d.breakGlass,
  };
}


export function SingleSignOnView({ org, who, domainsPath }: { org: SsoOrg; /** the organization's name */ who: string; domainsPath: string }) {
  const intl = useIntl();
  const q = useApiQuery(ssoKeys.of(org), () => ssoApi.get(org));
  const [draft, setDraft] = useState<Draft | null>(null);
  useEffect(() => {
    if (q.data) setDraft(draftOf(q.data));
  }, [q.data]);
  const save = useApiMutation((d: Draft) => ssoApi.save(org, inputOf(d)), { success: intl.formatMessage(m.saved), invalidates: [ssoKeys.of(org)] });
  const test = useApiMutation(() => ssoApi.test(org), { notifyError: true });
  const [removing, setRemoving] = useState(false);
  const remove = useApiMutation(() => ssoApi.remove(org), { success: intl.formatMessage(m.removed), invalidates: [ssoKeys.of(org)], onDone: () => setRemoving(false) });
  const s = q.data;
  const c = s?.connection ?? null;
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => (d ? { ...d, [k]: v } : d));
  const roleOptions = (s?.roles ?? []).map((r) => ({ value: r.id, label: r.name }));

  const startTest = async () => {
    const r = await test.run();
    if (r) window.open(r.url, '_blank', 'noopener');
  };

  return (
    <>
      <PageHeader
        title={intl.formatMessage(m.title)}
        description={intl.formatMessage(m.description, { who })}
      />
      <ErrorAlert error={q.error} />
      {q.loading && (
        <Text c="dimmed">
          <FormattedMessage {...m.loading} />
        </Text>
      )}
      {s && draft && (
        <Stack gap="md">
          <SsoDomainsCard domains={s.domains} domainsPath={domainsPath} />

          {c && <SsoStatusCard c={c} />}

          <Card withBorder radius="md" p="md">
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void save.run(draft);
              }}
            >
              <Stack gap="md">
                <Title order={2} size="h4">
                  <FormattedMessage {...m.yourSignIn} />
                </Title>
                <Stack gap={4}>
                  <Text size="sm" fw={500} id="sso-kind-label">
                    <FormattedMessage {...m.kindLabel} />
                  </Text>
                  <SegmentedControl
                    aria-labelledby="sso-kind-label"
                    value={draft.kind}
                    onChange={(v) => set('kind', v as Draft['kind'])}
                    data={[
                      { value: 'oidc', label: intl.formatMessage(m.oidc) },
                      { value: 'saml', label: intl.formatMessage(m.saml) },
                    ]}
                  />
                  <Text size="xs" c="dimmed">
                    <FormattedMessage {...m.kindHelp} />
                  </Text>
                </Stack>
                <TextInput label={intl.formatMessage(m.name)} description={intl.formatMessage(m.nameHelp)} value={draft.name} onChange={(e) => set('name', e.currentTarget.value)} data-testid="sso-name" />

                {draft.kind === 'oidc' ? <OidcFields draft={draft} set={set} c={c} callbackUrl={s.callback_url} /> : <SamlFields draft={draft} set={set} c={c} org={org} />}

                <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
                  <TextInput label={intl.formatMessage(m.claimEmail)} description={intl.formatMessage(m.claimHelp)} value={draft.claimEmail} onChange={(e) => set('claimEmail', e.currentTarget.value)} />
                  <TextInput label={intl.formatMessage(m.claimName)} description={intl.formatMessage(m.claimHelp)} value={draft.claimName} onChange={(e) => set('claimName', e.currentTarget.value)} />
                  <TextInput label={intl.formatMessage(m.claimGroups)} description={intl.formatMessage(m.claimHelp)} value={draft.claimGroups} onChange={(e) => set('claimGroups', e.currentTarget.value)} />
                </SimpleGrid>

                <Title order={2} size="h4">
                  <FormattedMessage {...m.mayDo} />
                </Title>
                <Text size="sm" c="dimmed">
                  <FormattedMessage {...m.mayDoHelp} />
                </Text>
                <Select
                  label={intl.formatMessage(m.defaultRole)}
                  description={intl.formatMessage(m.defaultRoleHelp)}
                  data={roleOptions} value={draft.defaultRole} onChange={(v) => v && set('defaultRole', v)} allowDeselect={false} data-testid="sso-default-role" />
                <GroupMappings draft={draft} setDraft={setDraft} roleOptions={roleOptions} />

                <Checkbox
                  label={intl.formatMessage(m.trustMfa)}
                  description={intl.formatMessage(m.trustMfaHelp)}
                  checked={draft.trustMfa}
                  onChange={(e) => set('trustMfa', e.currentTarget.checked)}
                />
                <Checkbox
                  label={intl.formatMessage(m.requireSso)}
                  description={intl.formatMessage(m.requireSsoHelp)}
                  checked={draft.requireSso}
                  onChange={(e) => set('requireSso', e.currentTarget.checked)}
                  data-testid="sso-require"
                />
                {draft.requireSso && (
                  <Select
                    label={intl.formatMessage(m.breakGlass)}
                    description={intl.formatMessage(m.breakGlassHelp)}
                    data={s.break_glass_candidates.map((p) => ({ value: p.user_id, label: `${p.name} (${p.email})` }))}
                    value={draft.breakGlass}
                    onChange={(v) => set('breakGlass', v)}
                    placeholder={intl.formatMessage(m.breakGlassPlaceholder)}
                  />
                )}
                <Switch label={intl.formatMessage(m.enabled)} checked={draft.enabled} onChange={(e) => set('enabled', e.currentTarget.checked)} data-testid="sso-enabled" />
                <ErrorAlert error={save.error} title={intl.formatMessage(m.notSaved)} />
                <Group justify="space-between" wrap="wrap">
                  <Group gap="xs">
                    <Button type="submit" loading={save.busy} data-testid="sso-save">
                      <FormattedMessage {...m.save} />
                    </Button>
                    {c && (
                      <Button variant="light" leftSection={<IconExternalLink size={16} />} onClick={() => void startTest()} loading={test.busy} data-testid="sso-test">
                        <FormattedMessage {...m.test} />
                      </Button>
                    )}
                  </Group>
                  {c && (
                    <Button variant="subtle" color="red" onClick={() => setRemoving(true)}>
                      <FormattedMessage {...m.remove} />
                    </Button>
                  )}
                </Group>
                {c && (
                  <Text size="xs" c="dimmed">
                    <FormattedMessage {...m.testHelp} />
                  </Text>
                )}
              </Stack>
            </form>
          </Card>
        </Stack>
      )}
      <RemoveModal opened={removing} onClose={() => setRemoving(false)} onRemove={() => void remove.run()} busy={remove.busy} error={remove.error} />
    </>
  );
}

/** Asks before the company sign-in is removed. */
function RemoveModal({ opened, onClose, onRemove, busy, error }: { opened: boolean; onClose: () => void; onRemove: () => void; busy: boolean; error: unknown }) {
  const intl = useIntl();
  return (
    <Modal opened={opened} onClose={onClose} title={intl.formatMessage(m.removeTitle)}>
      <Stack>
        <Text size="sm">
          <FormattedMessage {...m.removeText} />
        </Text>
        <ErrorAlert error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={() => onClose()}>
            <FormattedMessage {...m.keep} />
          </Button>
          <Button color="red" onClick={() => onRemove()} loading={busy}>
            <FormattedMessage {...m.remove} />
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Which role each group at the provider gives: one row per group, and a button to add one. */
function GroupMappings({ draft, setDraft, roleOptions }: { draft: Draft; setDraft: Dispatch<SetStateAction<Draft | null>>; roleOptions: { value: string; label: string }[] }) {
  const intl = useIntl();
  return (
    <Stack gap="xs" data-testid="sso-mappings">
      {draft.mappings.map((g, i) => (
        <Group key={i} gap="xs" align="flex-end" wrap="wrap">
          <TextInput
            label={intl.formatMessage(m.group, { number: i + 1 })}
            value={g.group}
            onChange={(e) => {
              const v = e.currentTarget.value;
              setDraft((d) => d && { ...d, mappings: d.mappings.map((x, j) => (j === i ? { ...x, group: v } : x)) });
            }}
            style={{ flex: 1, minWidth: 180 }}
          />
          <Select
            label={intl.formatMessage(m.givesRole)}
            data={roleOptions}
            value={g.role}
            allowDeselect={false}
            onChange={(v) => v && setDraft((d) => d && { ...d, mappings: d.mappings.map((x, j) => (j === i ? { ...x, role: v } : x)) })}
            style={{ flex: 1, minWidth: 180 }}
          />
          <ActionIcon variant="subtle" color="red" size="lg" aria-label={intl.formatMessage(m.removeGroup, { group: g.group || i + 1 })} onClick={() => setDraft((d) => d && { ...d, mappings: d.mappings.filter((_, j) => j !== i) })}>
            <IconTrash size={18} />
          </ActionIcon>
        </Group>
      ))}
      <Group>
        <Button variant="light" size="xs" leftSection={<IconPlus size={14} />} onClick={() => setDraft((d) => d && { ...d, mappings: [...d.mappings, { group: '', role: d.defaultRole }] })} data-testid="sso-add-group">
          <FormattedMessage {...m.addGroup} />
        </Button>
      </Group>
    </Stack>
  );
}
