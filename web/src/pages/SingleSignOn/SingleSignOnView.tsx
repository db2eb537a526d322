/**
 * An organization's single sign-on, in plain words: which verified domains it covers, the company
 * sign-in it sends people to (OpenID Connect or SAML), which role each group of the provider gives,
 * whether the provider's two-step sign-in counts, and whether company sign-in is required (with the
 * one owner who keeps a password). "Test sign-in" opens the provider in a new window and shows what
 * it said, creating nobody.
 */
import { useEffect, useState } from 'react';
import { ActionIcon, Button, Card, Checkbox, Group, Modal, SegmentedControl, Select, SimpleGrid, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { IconExternalLink, IconPlus, IconTrash } from '@tabler/icons-react';
import { ssoApi, type SsoConnectionInput, type SsoOrg, type SsoSettings } from '../../api/sso.ts';
import { ssoKeys } from '../../api/keys/sso.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { OidcFields, SamlFields, SsoDomainsCard, SsoStatusCard } from './SingleSignOnParts.tsx';
import type { AuthMethod, Draft } from './ssoDraft.ts';


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
      : { saml: { ...(d.metadataXml.trim() ? { idp_metadata_xml: d.metadataXml.trim() } : {}), idp_metadata_url: d.metadataUrl.trim() || null } }),
    claims: { email: d.claimEmail, name: d.claimName, groups: d.claimGroups },
    default_role: d.defaultRole,
    role_mappings: d.mappings.filter((m) => m.group.trim()),
    trust_upstream_mfa: d.trustMfa,
    require_sso: d.requireSso,
    break_glass_user_id: d.breakGlass,
  };
}


export function SingleSignOnView({ org, who, domainsPath }: { org: SsoOrg; /** the organization's name */ who: string; domainsPath: string }) {
  const q = useApiQuery(ssoKeys.of(org), () => ssoApi.get(org));
  const [draft, setDraft] = useState<Draft | null>(null);
  useEffect(() => {
    if (q.data) setDraft(draftOf(q.data));
  }, [q.data]);
  const save = useApiMutation((d: Draft) => ssoApi.save(org, inputOf(d)), { success: 'Single sign-on settings saved.', invalidates: [ssoKeys.of(org)] });
  const test = useApiMutation(() => ssoApi.test(org), { notifyError: true });
  const [removing, setRemoving] = useState(false);
  const remove = useApiMutation(() => ssoApi.remove(org), { success: 'The company sign-in was removed. People sign in with passwords again.', invalidates: [ssoKeys.of(org)], onDone: () => setRemoving(false) });
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
        title="Single sign-on"
        description={`Let the people of ${who} sign in with their own company account (Microsoft Entra ID, Okta, Google Workspace and the like) instead of a password kept here.`}
      />
      <ErrorAlert error={q.error} />
      {q.loading && <Text c="dimmed">Loading your single sign-on settings…</Text>}
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
                  Your company sign-in
                </Title>
                <Stack gap={4}>
                  <Text size="sm" fw={500} id="sso-kind-label">
                    How your provider talks to us
                  </Text>
                  <SegmentedControl
                    aria-labelledby="sso-kind-label"
                    value={draft.kind}
                    onChange={(v) => set('kind', v as Draft['kind'])}
                    data={[
                      { value: 'oidc', label: 'OpenID Connect' },
                      { value: 'saml', label: 'SAML 2.0' },
                    ]}
                  />
                  <Text size="xs" c="dimmed">
                    Most providers offer both; OpenID Connect is simpler to set up. Choose SAML if your provider only offers that.
                  </Text>
                </Stack>
                <TextInput label="Name" description="What your people will recognise, such as “Contoso Entra ID”." value={draft.name} onChange={(e) => set('name', e.currentTarget.value)} data-testid="sso-name" />

                {draft.kind === 'oidc' ? <OidcFields draft={draft} set={set} c={c} callbackUrl={s.callback_url} /> : <SamlFields draft={draft} set={set} c={c} org={org} />}

                <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
                  <TextInput label="E-mail comes in" description="the claim or attribute name" value={draft.claimEmail} onChange={(e) => set('claimEmail', e.currentTarget.value)} />
                  <TextInput label="Name comes in" description="the claim or attribute name" value={draft.claimName} onChange={(e) => set('claimName', e.currentTarget.value)} />
                  <TextInput label="Groups come in" description="the claim or attribute name" value={draft.claimGroups} onChange={(e) => set('claimGroups', e.currentTarget.value)} />
                </SimpleGrid>

                <Title order={2} size="h4">
                  What people may do here
                </Title>
                <Text size="sm" c="dimmed">
                  People without an account here get one on their first sign-in. Their role follows their groups at your provider at every sign-in: the broadest role of their groups below, or the default role when none matches.
                </Text>
                <Select label="Default role" description="For people in none of the groups below." data={roleOptions} value={draft.defaultRole} onChange={(v) => v && set('defaultRole', v)} allowDeselect={false} data-testid="sso-default-role" />
                <Stack gap="xs" data-testid="sso-mappings">
                  {draft.mappings.map((m, i) => (
                    <Group key={i} gap="xs" align="flex-end" wrap="wrap">
                      <TextInput
                        label={`Group ${i + 1} at your provider`}
                        value={m.group}
                        onChange={(e) => {
                          const v = e.currentTarget.value;
                          setDraft((d) => d && { ...d, mappings: d.mappings.map((x, j) => (j === i ? { ...x, group: v } : x)) });
                        }}
                        style={{ flex: 1, minWidth: 180 }}
                      />
                      <Select
                        label="gives the role"
                        data={roleOptions}
                        value={m.role}
                        allowDeselect={false}
                        onChange={(v) => v && setDraft((d) => d && { ...d, mappings: d.mappings.map((x, j) => (j === i ? { ...x, role: v } : x)) })}
                        style={{ flex: 1, minWidth: 180 }}
                      />
                      <ActionIcon variant="subtle" color="red" size="lg" aria-label={`Remove group ${m.group || i + 1}`} onClick={() => setDraft((d) => d && { ...d, mappings: d.mappings.filter((_, j) => j !== i) })}>
                        <IconTrash size={18} />
                      </ActionIcon>
                    </Group>
                  ))}
                  <Group>
                    <Button variant="light" size="xs" leftSection={<IconPlus size={14} />} onClick={() => setDraft((d) => d && { ...d, mappings: [...d.mappings, { group: '', role: d.defaultRole }] })} data-testid="sso-add-group">
                      Add a group
                    </Button>
                  </Group>
                </Stack>

                <Checkbox
                  label="Count the two-step sign-in done at your provider"
                  description="When your provider says the person used a second factor (an authenticator app, a security key), it satisfies the two-step sign-in our customers may require. Leave this off if your provider does not ask for one."
                  checked={draft.trustMfa}
                  onChange={(e) => set('trustMfa', e.currentTarget.checked)}
                />
                <Checkbox
                  label="Require company sign-in"
                  description="People with an address on your verified domains can no longer sign in here with a password or reset one. One owner keeps a password, in case your provider is down."
                  checked={draft.requireSso}
                  onChange={(e) => set('requireSso', e.currentTarget.checked)}
                  data-testid="sso-require"
                />
                {draft.requireSso && (
                  <Select
                    label="Who keeps a password (break glass)"
                    description="This person can always sign in with their password."
                    data={s.break_glass_candidates.map((p) => ({ value: p.user_id, label: `${p.name} (${p.email})` }))}
                    value={draft.breakGlass}
                    onChange={(v) => set('breakGlass', v)}
                    placeholder="Choose an owner"
                  />
                )}
                <Switch label="Switched on: people of the verified domains are sent to this sign-in" checked={draft.enabled} onChange={(e) => set('enabled', e.currentTarget.checked)} data-testid="sso-enabled" />
                <ErrorAlert error={save.error} title="The settings were not saved" />
                <Group justify="space-between" wrap="wrap">
                  <Group gap="xs">
                    <Button type="submit" loading={save.busy} data-testid="sso-save">
                      Save
                    </Button>
                    {c && (
                      <Button variant="light" leftSection={<IconExternalLink size={16} />} onClick={() => void startTest()} loading={test.busy} data-testid="sso-test">
                        Test sign-in
                      </Button>
                    )}
                  </Group>
                  {c && (
                    <Button variant="subtle" color="red" onClick={() => setRemoving(true)}>
                      Remove
                    </Button>
                  )}
                </Group>
                {c && (
                  <Text size="xs" c="dimmed">
                    Test sign-in opens your provider in a new window; sign in there with any account of yours to see what it tells us and the role it would get. Nobody is added and nothing changes.
                  </Text>
                )}
              </Stack>
            </form>
          </Card>
        </Stack>
      )}
      <Modal opened={removing} onClose={() => setRemoving(false)} title="Remove your company sign-in?">
        <Stack>
          <Text size="sm">People keep their accounts and roles, but must sign in with a password (or reset one) from now on. You can set the company sign-in up again later.</Text>
          <ErrorAlert error={remove.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRemoving(false)}>
              Keep it
            </Button>
            <Button color="red" onClick={() => void remove.run()} loading={remove.busy}>
              Remove
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
