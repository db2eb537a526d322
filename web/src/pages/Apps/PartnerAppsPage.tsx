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
import { FormattedMessage, useIntl, type IntlShape } from 'react-intl';
import { Link } from 'react-router';
import { Anchor, Badge, Button, Checkbox, Code, Group, Menu, Modal, MultiSelect, Radio, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { IconKey, IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { RowActionsMenu, actionsColumn } from '../../components/RowActionsMenu.tsx';
import { appsApi, isGrantType, TOKEN_EXCHANGE, type AppDto, type GrantType } from '../../api/apps.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { SdkGuideLink } from '../../components/SdkGuideLink.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { OneTimeSecret } from '../../components/OneTimeSecret.tsx';
import { ReasonModal } from '../../components/ReasonModal.tsx';
import { formatDate } from '../../components/format.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { required, useApiForm, webAddress } from '../../query/form.ts';
import { useView } from '../../session/useView.ts';
import { GRANTS_BY_CAPABILITY, type Draft, idTokenAlgs, emptyDraft, SECRET_METHODS, authChoices, authChoiceOf, describeAuthMethods, grantWords, jwksProblem, toInput } from './appDraft.ts';
import { appKeys } from '../../api/keys/apps.ts';
import { m } from './PartnerAppsPage.messages.ts';
import { AppKeysSection } from './AppKeysSection.tsx';
import { m as keyWords } from './AppKeysSection.messages.ts';

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
function appColumns(intl: IntlShape, scopeWords: Map<string, string>, on: Record<'edit' | 'rotate' | 'remove' | 'keys', (a: AppDto) => void> | null): Column<AppDto>[] {
  return [
    {
      key: 'app',
      title: intl.formatMessage(m.colApp),
      mobile: 'title',
      render: (a) => (
        <>
          <Text fw={500}>{a.name}</Text>
          <Anchor component={Link} to={`/partner/apps/${a.id}/security-events`} size="sm">
            <FormattedMessage {...m.securityEvents} />
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
      title: intl.formatMessage(m.colClientId),
      render: (a) => (
        <>
          <Code data-technical="">{a.client_id}</Code>
        </>
      ),
    },
    {
      key: 'grant_types',
      title: intl.formatMessage(m.colGrantTypes),
      render: (a) => (
        <>
          <Group gap={4}>
            {a.grant_types.map((g) => (
              <Badge key={g} variant="light" size="sm">
                {intl.formatMessage(m.grantBadge, { grant: g === TOKEN_EXCHANGE ? 'token_exchange' : g })}
              </Badge>
            ))}
          </Group>
        </>
      ),
    },
    {
      key: 'scopes',
      title: intl.formatMessage(m.colScopes),
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
      title: intl.formatMessage(m.colSecret),
      render: (a) => (
        <>
          <Text size="sm" data-testid="app-secret">{secretWords(intl, a)}</Text>
          <Text size="xs" c="dimmed" data-testid="app-authentication">
            {describeAuthMethods(intl, a.token_endpoint_auth_methods ?? [a.token_endpoint_auth_method])}
          </Text>
          {a.secret_hint && (
            <Code data-technical="" fz="xs">
              {a.secret_hint}
            </Code>
          )}
        </>
      ),
    },
    // one "…" menu, not three buttons: the table fits a laptop's width and a phone's without sideways scroll
    ...(on
      ? [
          actionsColumn((a: AppDto) => (
            <RowActionsMenu label={intl.formatMessage(m.actionsFor, { app: a.name })}>
              <Menu.Item leftSection={<IconPencil size={14} />} onClick={() => on.edit(a)}>
                <FormattedMessage {...m.edit} />
              </Menu.Item>
              {a.token_endpoint_auth_method === 'private_key_jwt' && (
                <Menu.Item leftSection={<IconKey size={14} />} onClick={() => on.keys(a)}>
                  <FormattedMessage {...keyWords.open} />
                </Menu.Item>
              )}
              {SECRET_METHODS.includes(a.token_endpoint_auth_method) && (
                <Menu.Item leftSection={<IconKey size={14} />} onClick={() => on.rotate(a)}>
                  <FormattedMessage {...m.newSecret} />
                </Menu.Item>
              )}
              <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => on.remove(a)}>
                <FormattedMessage {...m.delete} />
              </Menu.Item>
            </RowActionsMenu>
          )),
        ]
      : []),
  ];
}

/** How the app proves who it is, in words: its own keys (pasted, or read from a host), or when its secret was set. */
function secretWords(intl: IntlShape, a: AppDto): string {
  if (a.token_endpoint_auth_method === 'private_key_jwt') {
    if (!a.jwks_uri) return intl.formatMessage(m.signsPasted);
    const host = URL.canParse(a.jwks_uri) ? new URL(a.jwks_uri).host : a.jwks_uri;
    return intl.formatMessage(m.signsFrom, { host });
  }
  return intl.formatMessage(m.secretSet, { date: formatDate(a.secret_rotated_at ?? a.created_at) });
}

/** Register, edit, rotate the secret of and delete an app: the dialogs' state and the requests. */
function useAppActions(partnerId: string, reload: () => void) {
  const intl = useIntl();
  const [editing, setEditing] = useState<{ app: AppDto | null; draft: Draft } | null>(null);
  const [secret, setSecret] = useState<{ app: AppDto; value: string } | null>(null);
  const [rotating, setRotating] = useState<AppDto | null>(null);
  const [deleting, setDeleting] = useState<AppDto | null>(null);

  const save = useApiMutation(
    async (app: AppDto | null, d: Draft) => {
      if (app) {
        // The method of a key-based app is fixed at registration; only its keys change.
        // its keys are changed under "Keys and signed requests" (AppKeysSection)
        const { token_endpoint_auth_method, token_endpoint_auth_methods, jwks: _keys, ...patch } = toInput(d);
        const auth = { ...(token_endpoint_auth_method ? { token_endpoint_auth_method } : {}), ...(token_endpoint_auth_methods ? { token_endpoint_auth_methods } : {}) };
        return {
          app: await appsApi.update(partnerId, app.id, app.token_endpoint_auth_method === 'private_key_jwt' ? patch : { ...patch, ...auth }),
          client_secret: null,
        };
      }
      return appsApi.create(partnerId, toInput(d));
    },
    {
      success: (r) => intl.formatMessage(r.client_secret ? m.registered : m.saved, { name: r.app.name }),
      onDone: (r) => {
        setEditing(null);
        if (r.client_secret) setSecret({ app: r.app, value: r.client_secret });
        reload();
      },
    },
  );
  const rotate = useApiMutation((a: AppDto) => appsApi.rotateSecret(partnerId, a.id), {
    success: intl.formatMessage(m.rotated),
    onDone: (r) => {
      setRotating(null);
      if (r.client_secret) setSecret({ app: r.app, value: r.client_secret });
      reload();
    },
  });
  const remove = useApiMutation((a: AppDto) => appsApi.remove(partnerId, a.id), {
    success: intl.formatMessage(m.deleted),
    onDone: () => {
      setDeleting(null);
      reload();
    },
  });
  return { editing, setEditing, secret, setSecret, rotating, setRotating, deleting, setDeleting, save, rotate, remove };
}

export function PartnerAppsPage() {
  const intl = useIntl();
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
  const [keysOf, setKeysOf] = useState<AppDto | null>(null);
  const issuer = `${window.location.origin}/oauth`;

  return (
    <>
      <PageHeader
        title={intl.formatMessage(m.title)}
        description={
          <FormattedMessage
            {...m.description}
            values={{
              partner: partner.name,
              discovery: `${issuer}/.well-known/openid-configuration`,
              code: (chunks) => <Code>{chunks}</Code>,
              docs: (chunks) => (
                <Anchor href="/docs" target="_blank" underline="always">
                  {chunks}
                </Anchor>
              ),
            }}
          />
        }
        actions={
          owner && allowedGrants.length > 0 ? (
            <Button leftSection={<IconPlus size={16} />} onClick={() => { save.reset(); setEditing({ app: null, draft: emptyDraft(allowedGrants) }); }}>
              <FormattedMessage {...m.register} />
            </Button>
          ) : undefined
        }
      />
      <SdkGuideLink mb="md" />
      <ErrorAlert error={list.error} />
      {allowedGrants.length === 0 && (
        <Text c="dimmed" size="sm" mb="md">
          <FormattedMessage {...m.noCapability} />
        </Text>
      )}
      <DataTable
        testId="apps"
        records={rows}
        rowKey={(a) => a.id}
        verticalSpacing="sm"
        rowProps={(a) => ({ 'data-app': a.name })}
        empty={intl.formatMessage(m.empty)}
        loading={list.loading}
        columns={appColumns(intl, scopeWords, owner ? {
          edit: (a) => { save.reset(); setEditing({ app: a, draft: draftOfApp(a) }); },
          rotate: (a) => { rotate.reset(); setRotating(a); },
          remove: (a) => { remove.reset(); setDeleting(a); },
          keys: (a) => setKeysOf(a),
        } : null)}
      />

      <Modal opened={!!keysOf} onClose={() => setKeysOf(null)} title={intl.formatMessage(keyWords.title, { name: keysOf?.name ?? '' })} size="lg">
        {keysOf && <AppKeysSection partnerId={partner.partner_id} app={keysOf} onCancel={() => setKeysOf(null)} onDone={() => { setKeysOf(null); list.reload(); }} />}
      </Modal>
      <Modal opened={!!editing} onClose={() => setEditing(null)} title={editing?.app ? intl.formatMessage(m.editTitle, { name: editing.app.name }) : intl.formatMessage(m.register)} size="lg">
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

      <AppDialogs actions={{ secret, setSecret, rotating, setRotating, deleting, setDeleting, rotate, remove }} />
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
  const intl = useIntl();
  const form = useApiForm<Draft>(
    {
      initialValues: initial,
      validate: {
        name: (v) => required(v, intl.formatMessage(m.nameRequired)),
        logo_uri: (v) => webAddress(v, intl.formatMessage(m.logoInvalid)),
        grant_types: (v) => required(v, intl.formatMessage(m.grantRequired)),
        redirect_uris: (v, d) => (d.grant_types.includes('authorization_code') ? required(v, intl.formatMessage(m.redirectRequired)) : undefined),
        scopes: (v) => required(v, intl.formatMessage(m.scopeRequired)),
        jwks: (v, d) => {
          if (d.auth_method !== 'private_key_jwt' || app) return undefined;
          const bad = required(v, intl.formatMessage(m.jwksRequired));
          if (bad) return bad;
          return jwksProblem(intl, v) ?? undefined;
        },
      },
    },
    save,
  );
  const d = form.values;
  const pdpOnly = decisionPoint && d.grant_types.includes('client_credentials');
  // Explained as it is typed, not only on sending.
  const jwksTyped = d.jwks.trim() ? jwksProblem(intl, d.jwks) : null;
  return (
    <form noValidate onSubmit={form.submit((v) => save.run(app, v))}>
      <Stack>
        <TextInput label={intl.formatMessage(m.name)} description={intl.formatMessage(m.nameHelp)} withAsterisk maxLength={200} {...form.getInputProps('name')} data-autofocus />
        <Textarea label={intl.formatMessage(m.appDescription)} autosize minRows={2} maxLength={1000} {...form.getInputProps('description')} />
        <TextInput label={intl.formatMessage(m.logo)} description={intl.formatMessage(m.logoHelp)} {...form.getInputProps('logo_uri')} />
        <Checkbox.Group label={intl.formatMessage(m.grantTypes)} withAsterisk {...form.getInputProps('grant_types')}>
          <Stack gap={4} mt={4}>
            {allowedGrants.map((g) => (
              <Checkbox
                key={g}
                value={g}
                label={decisionPoint && g === 'client_credentials' ? intl.formatMessage(m.decisionPoint) : grantWords(intl, g)}
              />
            ))}
          </Stack>
        </Checkbox.Group>
        {d.grant_types.includes('authorization_code') && (
          <Textarea
            label={intl.formatMessage(m.redirects)}
            description={intl.formatMessage(m.redirectsHelp)}
            autosize
            minRows={2}
            withAsterisk
            {...form.getInputProps('redirect_uris')}
          />
        )}
        <MultiSelect
          label={intl.formatMessage(m.scopes)}
          description={intl.formatMessage(pdpOnly ? m.scopesPdp : m.scopesHelp)}
          data={pdpOnly ? scopeOptions.filter((o) => o.value === 'authzen.evaluate') : scopeOptions}
          searchable
          withAsterisk
          {...form.getInputProps('scopes')}
        />
        <Radio.Group
          label={intl.formatMessage(m.auth)}
          description={intl.formatMessage(m.authHelp)}
          {...form.getInputProps('auth_method')}
          error={form.errors.auth_method ?? form.errors.token_endpoint_auth_method ?? form.errors.token_endpoint_auth_methods}
        >
          <Stack gap={6} mt={6}>
            {authChoices(intl)
              .filter((c) => !app || (app.token_endpoint_auth_method === 'private_key_jwt' ? c.value === 'private_key_jwt' : c.value !== 'private_key_jwt'))
              .map((c) => (
                <Radio key={c.value} value={c.value} label={c.label} description={c.description} />
              ))}
          </Stack>
        </Radio.Group>
        {d.grant_types.includes('authorization_code') && (
          <Select
            label={intl.formatMessage(m.idToken)}
            description={intl.formatMessage(m.idTokenHelp)}
            data={idTokenAlgs(intl)}
            allowDeselect={false}
            {...form.getInputProps('id_token_alg')}
            error={form.errors.id_token_alg ?? form.errors.id_token_signed_response_alg}
          />
        )}
        {d.auth_method === 'private_key_jwt' && !app && (
          <Textarea
            label={intl.formatMessage(m.jwks)}
            description={<FormattedMessage {...m.jwksHelp} values={{ example: '{"keys": [ … ]}', code: (chunks) => <code data-technical="">{chunks}</code> }} />}
            autosize
            minRows={4}
            withAsterisk
            {...form.getInputProps('jwks')}
            error={jwksTyped ?? form.errors.jwks}
          />
        )}
        <ErrorAlert
          error={save.error}
          labels={{
            name: intl.formatMessage(m.name),
            redirect_uris: intl.formatMessage(m.redirects),
            scopes: intl.formatMessage(m.colScopes),
            grant_types: intl.formatMessage(m.grantTypes),
            logo_uri: intl.formatMessage(m.logo),
            token_endpoint_auth_method: intl.formatMessage(m.auth),
            token_endpoint_auth_methods: intl.formatMessage(m.auth),
            jwks: intl.formatMessage(m.publicKeys),
            id_token_signed_response_alg: intl.formatMessage(m.idToken),
          }}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            <FormattedMessage {...m.cancel} />
          </Button>
          <Button type="submit" loading={save.busy} disabled={!!jwksTyped}>
            {intl.formatMessage(app ? m.save : m.registerButton)}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The one-time secret, and the confirmations of a new secret and of a deletion. */
function AppDialogs({ actions }: { actions: Pick<ReturnType<typeof useAppActions>, 'secret' | 'setSecret' | 'rotating' | 'setRotating' | 'deleting' | 'setDeleting' | 'rotate' | 'remove'> }) {
  const intl = useIntl();
  const { secret, setSecret, rotating, setRotating, deleting, setDeleting, rotate, remove } = actions;
  return (
    <>
      <Modal opened={!!secret} onClose={() => setSecret(null)} title={intl.formatMessage(m.secretTitle, { name: secret?.app.name ?? '' })} size="lg">
        {secret && (
          <Stack>
            <Text size="sm">
              <FormattedMessage {...m.clientId} values={{ clientId: secret.app.client_id, code: (chunks) => <Code>{chunks}</Code> }} />
            </Text>
            <OneTimeSecret value={secret.value} label={intl.formatMessage(m.clientSecret)} />
            <Group justify="flex-end">
              <Button onClick={() => setSecret(null)}>
                <FormattedMessage {...m.stored} />
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>

      <ReasonModal
        opened={!!rotating}
        title={intl.formatMessage(m.rotateTitle)}
        message={intl.formatMessage(m.rotateMessage, { name: rotating?.name ?? '' })}
        confirmLabel={intl.formatMessage(m.rotateConfirm)}
        reason="none"
        busy={rotate.busy}
        error={rotate.error}
        onClose={() => setRotating(null)}
        onConfirm={() => rotating && void rotate.run(rotating)}
      />
      <ReasonModal
        opened={!!deleting}
        title={intl.formatMessage(m.deleteTitle)}
        message={intl.formatMessage(m.deleteMessage, { name: deleting?.name ?? '' })}
        confirmLabel={intl.formatMessage(m.delete)}
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
