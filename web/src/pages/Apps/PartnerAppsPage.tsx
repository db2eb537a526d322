/**
 * Partner side: "OAuth apps". The owner registers, edits, rotates the secret of and deletes the
 * partner's OAuth clients; staff see them. The client secret is shown once (Partnergate keeps
 * only a hash). Grant types follow the partner's capabilities: delegated → authorization code
 * with customer consent; managed_services → authorization code for the partner's own users;
 * wholesale → client credentials and token exchange.
 */
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { allows } from '../../session/access.ts';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { Anchor, Badge, Button, Checkbox, Code, Group, Modal, MultiSelect, Radio, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { IconKey, IconPlus } from '@tabler/icons-react';
import { appsApi, AUTH_METHODS, grantTypeLabel, isGrantType, TOKEN_EXCHANGE, type AppDto, type GrantType } from '../../api/apps.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { OneTimeSecret } from '../../components/OneTimeSecret.tsx';
import { ReasonModal } from '../../components/ReasonModal.tsx';
import { formatDate } from '../../components/format.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { required, useApiForm, webAddress } from '../../query/form.ts';
import { useView } from '../../session/useView.ts';
import { GRANTS_BY_CAPABILITY, type Draft, ID_TOKEN_ALGS, emptyDraft, SECRET_METHODS, EITHER_WAY, authChoiceOf, describeAuthMethods, parseJwks, toInput } from './appDraft.ts';
import { appKeys } from '../../api/keys/apps.ts';


/** The form's draft of a registered app (its keys as JSON text, its redirect addresses one a line). */
function draftOfApp(a: AppDto): Draft {
  return {
    name: a.name,
    description: a.description ?? '',
    logo_uri: a.logo_uri ?? '',
    redirect_uris: a.redirect_uris.join('\n'),
    grant_types: a.grant_types.filter(isGrantType),
    scopes: a.scopes,
    auth_method: authChoiceOf(a),
    jwks: a.jwks ? JSON.stringify(a.jwks, null, 2) : '',
    id_token_alg: a.id_token_signed_response_alg,
  };
}

/** The apps' columns; `on` is null for someone who may not manage apps (no actions). */
function appColumns(scopeWords: Map<string, string>, on: Record<'edit' | 'rotate' | 'remove', (a: AppDto) => void> | null): Column<AppDto>[] {
  return [
    {
      key: 'app',
      title: 'App',
      mobile: 'title',
      render: (a) => (
        <>
          <Text fw={500}>{a.name}</Text>
          <Anchor component={Link} to={`/partner/apps/${a.id}/security-events`} size="sm">
            Security events
          </Anchor>
          {a.redirect_uris.map((u) => (
            <Text key={u} size="xs" c="dimmed">
              {u}
            </Text>
          ))}
        </>
      ),
    },
    {
      key: 'client_id',
      title: 'Client ID',
      render: (a) => (
        <>
          <Code data-technical="">{a.client_id}</Code>
        </>
      ),
    },
    {
      key: 'grant_types',
      title: 'Grant types',
      render: (a) => (
        <>
          <Group gap={4}>
            {a.grant_types.map((g) => (
              <Badge key={g} variant="light" size="sm">
                {g === TOKEN_EXCHANGE ? 'token exchange' : g.replace('_', ' ')}
              </Badge>
            ))}
          </Group>
        </>
      ),
    },
    {
      key: 'scopes',
      title: 'Scopes',
      render: (a) => (
        <>
          <Text size="sm">{a.scopes.map((x) => scopeWords.get(x) ?? x).join('; ')}</Text>
          <Code data-technical="" fz="xs">
            {a.scopes.join(' ')}
          </Code>
        </>
      ),
    },
    {
      key: 'secret',
      title: 'Secret',
      render: (a) => (
        <>
          <Text size="sm">{a.secret_hint ?? 'private key (JWKS)'}</Text>
          <Text size="xs" c="dimmed" data-testid="app-authentication">
            {describeAuthMethods(a.token_endpoint_auth_methods ?? [a.token_endpoint_auth_method])}
          </Text>
          {a.secret_rotated_at && (
            <Text size="xs" c="dimmed">
              since {formatDate(a.secret_rotated_at)}
            </Text>
          )}
        </>
      ),
    },
    {
      key: 'actions',
      title: '',
      label: 'Actions',
      mobile: 'footer',
      align: 'right',
      render: (a) => (
        <>
          {on && (
            <Group gap="xs" justify="flex-end" wrap="nowrap">
              <Button
                size="xs"
                variant="subtle"
                onClick={() => on.edit(a)}
              >
                Edit
              </Button>
              {SECRET_METHODS.includes(a.token_endpoint_auth_method) && (
                <Button size="xs" variant="subtle" leftSection={<IconKey size={14} />} onClick={() => on.rotate(a)}>
                  New secret
                </Button>
              )}
              <Button size="xs" variant="subtle" color="red" onClick={() => on.remove(a)}>
                Delete
              </Button>
            </Group>
          )}
        </>
      ),
    },
  ];
}

/** Register, edit, rotate the secret of and delete an app: the dialogs' state and the requests. */
function useAppActions(partnerId: string, reload: () => void) {
  const [editing, setEditing] = useState<{ app: AppDto | null; draft: Draft } | null>(null);
  const [secret, setSecret] = useState<{ app: AppDto; value: string } | null>(null);
  const [rotating, setRotating] = useState<AppDto | null>(null);
  const [deleting, setDeleting] = useState<AppDto | null>(null);

  const save = useApiMutation(
    async (app: AppDto | null, d: Draft) => {
      if (app) {
        // The method of a key-based app is fixed at registration; only its keys change.
        const { token_endpoint_auth_method, token_endpoint_auth_methods, ...patch } = toInput(d);
        const auth = { ...(token_endpoint_auth_method ? { token_endpoint_auth_method } : {}), ...(token_endpoint_auth_methods ? { token_endpoint_auth_methods } : {}) };
        return {
          app: await appsApi.update(partnerId, app.id, app.token_endpoint_auth_method === 'private_key_jwt' ? patch : { ...patch, ...auth }),
          client_secret: null,
        };
      }
      return appsApi.create(partnerId, toInput(d));
    },
    {
      success: (r) => (r.client_secret ? `${r.app.name} registered.` : `${r.app.name} saved.`),
      onDone: (r) => {
        setEditing(null);
        if (r.client_secret) setSecret({ app: r.app, value: r.client_secret });
        reload();
      },
    },
  );
  const rotate = useApiMutation((a: AppDto) => appsApi.rotateSecret(partnerId, a.id), {
    success: 'New secret issued; the previous one no longer works.',
    onDone: (r) => {
      setRotating(null);
      if (r.client_secret) setSecret({ app: r.app, value: r.client_secret });
      reload();
    },
  });
  const remove = useApiMutation((a: AppDto) => appsApi.remove(partnerId, a.id), {
    success: 'App deleted. It stops working now and the customer connections it held are revoked.',
    onDone: () => {
      setDeleting(null);
      reload();
    },
  });
  return { editing, setEditing, secret, setSecret, rotating, setRotating, deleting, setDeleting, save, rotate, remove };
}

export function PartnerAppsPage() {
  const view = useView();
  const partner = view.partner!;
  const owner = allows(partner, 'partner.apps.manage');
  // without the wholesale capability, client credentials are for a decision point only (the authzen.evaluate scope)
  const decisionPoint = !partner.capabilities.includes('wholesale');
  const allowedGrants = useMemo((): GrantType[] => {
    const grants = [...new Set(partner.capabilities.flatMap((c) => GRANTS_BY_CAPABILITY[c] ?? []))];
    return decisionPoint && grants.length > 0 ? [...grants, 'client_credentials'] : grants;
  }, [partner.capabilities, decisionPoint]);
  const list = useApiQuery(appKeys.list(partner.partner_id), () => appsApi.list(partner.partner_id));
  const scopes = useApiQuery(appKeys.scopes, () => appsApi.scopes());
  const { editing, setEditing, secret, setSecret, rotating, setRotating, deleting, setDeleting, save, rotate, remove } = useAppActions(partner.partner_id, list.reload);

  // what each scope lets the app do, in words; the scope strings themselves are for the developer's code
  const scopeWords = useMemo(() => new Map((scopes.data?.data ?? []).map((s) => [s.scope, s.description])), [scopes.data]);
  const scopeOptions = useMemo(() => (scopes.data?.data ?? []).map((s) => ({ value: s.scope, label: `${s.scope} — ${s.description}` })), [scopes.data]);
  const rows = list.data?.data ?? [];
  const issuer = `${window.location.origin}/oauth`;

  return (
    <>
      <PageHeader
        title="OAuth apps"
        description={
          <>
            The apps through which {partner.name} acts for customers. Discovery: <Code>{`${issuer}/.well-known/openid-configuration`}</Code>. Each app authenticates the one way it
            is registered for — its secret in an HTTP Basic header (client_secret_basic) or in the request body (client_secret_post), or a signed assertion (private_key_jwt) — and
            always uses PKCE (S256). Every call, scope and answer is described in the{' '}
            <Anchor href="/docs" target="_blank" underline="always">
              API reference
            </Anchor>
            .
          </>
        }
        actions={
          owner && allowedGrants.length > 0 ? (
            <Button leftSection={<IconPlus size={16} />} onClick={() => { save.reset(); setEditing({ app: null, draft: emptyDraft(allowedGrants) }); }}>
              Register an app
            </Button>
          ) : undefined
        }
      />
      <ErrorAlert error={list.error} />
      {allowedGrants.length === 0 && (
        <Text c="dimmed" size="sm" mb="md">
          Apps are for partners approved with the delegated, wholesale or managed services capability.
        </Text>
      )}
      <DataTable
        testId="apps"
        records={rows}
        rowKey={(a) => a.id}
        verticalSpacing="sm"
        rowProps={(a) => ({ 'data-app': a.name })}
        empty={'No apps yet.'}
        loading={list.loading}
        columns={appColumns(scopeWords, owner ? {
          edit: (a) => { save.reset(); setEditing({ app: a, draft: draftOfApp(a) }); },
          rotate: (a) => { rotate.reset(); setRotating(a); },
          remove: (a) => { remove.reset(); setDeleting(a); },
        } : null)}
      />

      <Modal opened={!!editing} onClose={() => setEditing(null)} title={editing?.app ? `Edit ${editing.app.name}` : 'Register an app'} size="lg">
        {editing && (
          <AppForm
            key={editing.app?.id ?? 'new'}
            app={editing.app}
            initial={editing.draft}
            save={save}
            allowedGrants={allowedGrants}
            scopeOptions={scopeOptions}
            decisionPoint={decisionPoint}
            onCancel={() => setEditing(null)}
          />
        )}
      </Modal>

      <Modal opened={!!secret} onClose={() => setSecret(null)} title={`Client secret of ${secret?.app.name ?? ''}`} size="lg">
        {secret && (
          <Stack>
            <Text size="sm">
              Client ID <Code>{secret.app.client_id}</Code>
            </Text>
            <OneTimeSecret value={secret.value} label="Client secret" />
            <Group justify="flex-end">
              <Button onClick={() => setSecret(null)}>I have stored it</Button>
            </Group>
          </Stack>
        )}
      </Modal>

      <ReasonModal
        opened={!!rotating}
        title="Issue a new client secret?"
        message={`The current secret of ${rotating?.name ?? ''} stops working immediately. Deploy the new one to your app right away.`}
        confirmLabel="Issue a new secret"
        reason="none"
        busy={rotate.busy}
        error={rotate.error}
        onClose={() => setRotating(null)}
        onConfirm={() => rotating && void rotate.run(rotating)}
      />
      <ReasonModal
        opened={!!deleting}
        title="Delete this app?"
        message={`${deleting?.name ?? ''} stops working now, and every customer connection it holds is revoked.`}
        confirmLabel="Delete"
        color="red"
        reason="none"
        busy={remove.busy}
        error={remove.error}
        onClose={() => setDeleting(null)}
        onConfirm={() => deleting && void remove.run(deleting)}
      />
    </>
  );
}

/** Register or edit one app: the draft lives in the form; required fields are checked in words before sending. */
function AppForm({
  app,
  initial,
  save,
  allowedGrants,
  scopeOptions,
  decisionPoint,
  onCancel,
}: {
  app: AppDto | null;
  initial: Draft;
  save: { run(app: AppDto | null, d: Draft): Promise<unknown>; busy: boolean; error: unknown; reset(): void };
  allowedGrants: string[];
  scopeOptions: { value: string; label: string }[];
  /** client credentials make a decision point (no wholesale capability): authzen.evaluate is its one scope */
  decisionPoint: boolean;
  onCancel(): void;
}) {
  const form = useApiForm<Draft>(
    {
      initialValues: initial,
      validate: {
        name: (v) => required(v, 'Enter the app’s name.'),
        logo_uri: (v) => webAddress(v, 'Enter the logo’s web address, starting with https://.'),
        grant_types: (v) => required(v, 'Pick at least one grant type.'),
        redirect_uris: (v, d) => (d.grant_types.includes('authorization_code') ? required(v, 'Enter at least one redirect URI: where customers return after consenting.') : undefined),
        scopes: (v) => required(v, 'Pick at least one scope the app may ask for.'),
        jwks: (v, d) => {
          if (d.auth_method !== 'private_key_jwt') return undefined;
          const bad = required(v, 'Paste your app’s public keys (JWKS).');
          if (bad) return bad;
          const parsed = parseJwks(v);
          return typeof parsed === 'string' ? parsed : undefined;
        },
      },
    },
    save,
  );
  const d = form.values;
  const pdpOnly = decisionPoint && d.grant_types.includes('client_credentials');
  // Explained as it is typed, not only on sending.
  const jwksProblem = d.jwks.trim() && typeof parseJwks(d.jwks) === 'string' ? (parseJwks(d.jwks) as string) : null;
  return (
    <form noValidate onSubmit={form.submit((v) => save.run(app, v))}>
      <Stack>
        <TextInput label="Name" description="Customers see it on the consent screen." withAsterisk maxLength={200} {...form.getInputProps('name')} data-autofocus />
        <Textarea label="Description" autosize minRows={2} maxLength={1000} {...form.getInputProps('description')} />
        <TextInput label="Logo URL" description="https only" {...form.getInputProps('logo_uri')} />
        <Checkbox.Group label="Grant types" withAsterisk {...form.getInputProps('grant_types')}>
          <Stack gap={4} mt={4}>
            {allowedGrants.map((g) => (
              <Checkbox
                key={g}
                value={g}
                label={decisionPoint && g === 'client_credentials' ? 'Client credentials (a decision point: your own systems ask Partnergate whether you and your people may act on a customer)' : grantTypeLabel(g)}
              />
            ))}
          </Stack>
        </Checkbox.Group>
        {d.grant_types.includes('authorization_code') && (
          <Textarea
            label="Redirect URIs"
            description="One per line, matched exactly (https, or http on localhost)."
            autosize
            minRows={2}
            withAsterisk
            {...form.getInputProps('redirect_uris')}
          />
        )}
        <MultiSelect
          label="Scopes the app may ask for"
          description={
            pdpOnly ? 'A decision point asks for access decisions only: it reaches no customer data itself.' : 'Permission grants of the customer APIs; customers see each in plain words.'
          }
          data={pdpOnly ? scopeOptions.filter((o) => o.value === 'authzen.evaluate') : scopeOptions}
          searchable
          withAsterisk
          {...form.getInputProps('scopes')}
        />
        <Radio.Group
          label="How your app proves who it is"
          description="When your app asks for tokens, it must show it is really your app. A secret is accepted in the Authorization header and in the request body unless you pick one way only."
          {...form.getInputProps('auth_method')}
          error={form.errors.auth_method ?? form.errors.token_endpoint_auth_method ?? form.errors.token_endpoint_auth_methods}
        >
          <Stack gap={6} mt={6}>
            {[EITHER_WAY, ...AUTH_METHODS].filter((m) => !app || (app.token_endpoint_auth_method === 'private_key_jwt' ? m.value === 'private_key_jwt' : m.value !== 'private_key_jwt')).map((m) => (
              <Radio key={m.value} value={m.value} label={m.label} description={m.description} />
            ))}
          </Stack>
        </Radio.Group>
        {d.grant_types.includes('authorization_code') && (
          <Select
            label="ID token signature"
            description="How the sign-in confirmations your app receives are signed."
            data={ID_TOKEN_ALGS}
            allowDeselect={false}
            {...form.getInputProps('id_token_alg')}
            error={form.errors.id_token_alg ?? form.errors.id_token_signed_response_alg}
          />
        )}
        {d.auth_method === 'private_key_jwt' && (
          <Textarea
            label="Your app's public keys (JWKS)"
            description='{"keys": [ … ]} with public EC, RSA or OKP keys only — never the private key.'
            autosize
            minRows={4}
            withAsterisk
            {...form.getInputProps('jwks')}
            error={jwksProblem ?? form.errors.jwks}
          />
        )}
        <ErrorAlert
          error={save.error}
          labels={{
            name: 'Name',
            redirect_uris: 'Redirect URIs',
            scopes: 'Scopes',
            grant_types: 'Grant types',
            logo_uri: 'Logo URL',
            token_endpoint_auth_method: 'How your app proves who it is',
            token_endpoint_auth_methods: 'How your app proves who it is',
            jwks: 'Public keys',
            id_token_signed_response_alg: 'ID token signature',
          }}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={save.busy} disabled={!!jwksProblem}>
            {app ? 'Save' : 'Register'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
