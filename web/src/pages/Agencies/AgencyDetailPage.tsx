/**
 * One agency: its form tokens (generate — the secret shown once with the embed code —, rotate,
 * revoke, last use), the form customization with a live preview, the embed code, and the vouchers
 * it issued.
 */
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { Box, Alert, Anchor, Badge, Button, Code, Grid, Group, Modal, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconArrowLeft, IconKey, IconRefresh, IconBan, IconPencil } from '@tabler/icons-react';
import { agenciesApi, type AgencyDto, type AgencyTokenDto, type AgencyTokenWithSecret, type VoucherTypeDto } from '../../api/agencies.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { OneTimeSecret } from '../../components/OneTimeSecret.tsx';
import { ReasonModal } from '../../components/ReasonModal.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate, formatDateTime } from '../../components/format.ts';
import { useApiMutation, useApiQuery, type Action, type Loaded } from '../../query/query.ts';
import { required, useApiForm } from '../../query/form.ts';
import { useView } from '../../session/useView.ts';
import { EmbedSnippets } from './EmbedSnippets.tsx';
import { FormConfigEditor, configOf, draftOf, type FormDraft } from './FormConfigEditor.tsx';
import { FormPreview } from './FormPreview.tsx';
import { agencyKeys } from '../../api/keys/agencies.ts';
import { FormattedMessage, useIntl, type IntlShape } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  formSaved: { id: 'agencies.detail.form_saved', defaultMessage: 'Form saved: the live form shows it on its next request.' },
  tokenRevoked: { id: 'agencies.detail.token_revoked', defaultMessage: 'Token revoked: the form stops working on its next request.' },
  agencyDeactivated: { id: 'agencies.detail.deactivated', defaultMessage: 'Agency deactivated.' },
  agencyReactivated: { id: 'agencies.detail.reactivated', defaultMessage: 'Agency reactivated.' },
  back: { id: 'agencies.detail.back', defaultMessage: 'Agencies' },
  description: {
    id: 'agencies.detail.description',
    defaultMessage:
      'Each form token is one embedded form: its own voucher types, intro text and rules, its own 20 requests per minute. Tokens never expire; rotate or revoke them here.',
  },
  reactivateAgency: { id: 'agencies.detail.reactivate_agency', defaultMessage: 'Reactivate agency' },
  deactivateAgency: { id: 'agencies.detail.deactivate_agency', defaultMessage: 'Deactivate agency' },
  generateToken: { id: 'agencies.detail.generate_form_token', defaultMessage: 'Generate form token' },
  inactive: { id: 'agencies.detail.inactive', defaultMessage: 'This agency is inactive: all its forms are refused. Reactivate it to let them work again.' },
  formTokens: { id: 'agencies.detail.form_tokens', defaultMessage: 'Form tokens' },
  tokensEmpty: { id: 'agencies.detail.tokens_empty', defaultMessage: 'No form tokens yet. Generate one to get the embed code.' },
  embedCode: { id: 'agencies.detail.embed_code', defaultMessage: 'Embed code' },
  generateTitle: { id: 'agencies.detail.generate_title', defaultMessage: 'Generate a form token' },
  defaultLabel: { id: 'agencies.detail.default_label', defaultMessage: 'Website form' },
  generateSubmit: { id: 'agencies.detail.generate_submit', defaultMessage: 'Generate token' },
  labelHelp: { id: 'agencies.detail.label_help', defaultMessage: 'Which form on the agency’s site this token is for.' },
  customizeTitle: { id: 'agencies.detail.customize_title', defaultMessage: 'Customize “{label}”' },
  saveForm: { id: 'agencies.detail.save_form', defaultMessage: 'Save form' },
  colForm: { id: 'agencies.detail.column.form', defaultMessage: 'Form' },
  colToken: { id: 'agencies.detail.column.token', defaultMessage: 'Token' },
  rotatedOn: { id: 'agencies.detail.rotated_on', defaultMessage: 'rotated {date}' },
  colStatus: { id: 'agencies.detail.column.status', defaultMessage: 'Status' },
  colTypes: { id: 'agencies.detail.column.voucher_types', defaultMessage: 'Voucher types' },
  colLastUsed: { id: 'agencies.detail.column.last_used', defaultMessage: 'Last used' },
  colCreated: { id: 'agencies.detail.column.created', defaultMessage: 'Created' },
  colActions: { id: 'agencies.detail.column.actions', defaultMessage: 'Actions' },
  customize: { id: 'agencies.detail.customize', defaultMessage: 'Customize' },
  rotate: { id: 'agencies.detail.rotate', defaultMessage: 'Rotate' },
  revoke: { id: 'agencies.detail.revoke', defaultMessage: 'Revoke' },
  vouchersTitle: { id: 'agencies.detail.vouchers.title', defaultMessage: 'Vouchers issued by this agency' },
  vouchersEmpty: { id: 'agencies.detail.vouchers.empty', defaultMessage: 'None yet.' },
  colCode: { id: 'agencies.detail.vouchers.column.code', defaultMessage: 'Code' },
  colVoucher: { id: 'agencies.detail.vouchers.column.voucher', defaultMessage: 'Voucher' },
  colRecipient: { id: 'agencies.detail.vouchers.column.recipient', defaultMessage: 'Recipient' },
  colIssued: { id: 'agencies.detail.vouchers.column.issued', defaultMessage: 'Issued' },
  newSecretTitle: { id: 'agencies.detail.secret.rotated_title', defaultMessage: 'New secret for this form' },
  generatedTitle: { id: 'agencies.detail.secret.generated_title', defaultMessage: 'Form token generated' },
  formToken: { id: 'agencies.detail.secret.label', defaultMessage: 'Form token' },
  secretHint: {
    id: 'agencies.detail.secret.hint',
    defaultMessage: 'Shown only once. {product} stores only a hash of it. Copy the embed code below now; to get a new secret later, rotate the token.',
  },
  previousGone: { id: 'agencies.detail.secret.previous_gone', defaultMessage: 'The previous secret no longer works. Replace the embed code on the agency’s site.' },
  copied: { id: 'agencies.detail.secret.copied', defaultMessage: 'I have copied it' },
  rotateTitle: { id: 'agencies.detail.confirm.rotate_title', defaultMessage: 'Rotate this token?' },
  revokeTitle: { id: 'agencies.detail.confirm.revoke_title', defaultMessage: 'Revoke this token?' },
  reactivateTitle: { id: 'agencies.detail.confirm.reactivate_title', defaultMessage: 'Reactivate this agency?' },
  deactivateTitle: { id: 'agencies.detail.confirm.deactivate_title', defaultMessage: 'Deactivate this agency?' },
  rotateMessage: {
    id: 'agencies.detail.confirm.rotate_message',
    defaultMessage: '“{label}” gets a new secret; the current one stops working immediately, so the agency must update its embed code.',
  },
  revokeMessage: { id: 'agencies.detail.confirm.revoke_message', defaultMessage: '“{label}” stops working on its next request, for good. Vouchers it issued stay valid.' },
  reactivateMessage: { id: 'agencies.detail.confirm.reactivate_message', defaultMessage: 'Its active forms work again from their next request.' },
  deactivateMessage: { id: 'agencies.detail.confirm.deactivate_message', defaultMessage: 'Every form of this agency stops working on its next request. Its vouchers stay valid.' },
  reactivate: { id: 'agencies.detail.confirm.reactivate', defaultMessage: 'Reactivate' },
  deactivate: { id: 'agencies.detail.confirm.deactivate', defaultMessage: 'Deactivate' },
  labelRequired: { id: 'agencies.detail.form.label_required', defaultMessage: 'Name the form, e.g. Website form.' },
  typesRequired: { id: 'agencies.detail.form.types_required', defaultMessage: 'Pick at least one voucher type the form may issue.' },
  formName: { id: 'agencies.detail.form.name', defaultMessage: 'Form name' },
  cancel: { id: 'common.cancel', defaultMessage: 'Cancel' },
});

/** The product's name (a brand: not translated). */
const PRODUCT = 'Partnergate';

const NEW_FORM: FormDraft = { allowed_voucher_types: [], intro_text: '', rules_text: '' };

/** Generate, customize, rotate and revoke a form token, and (de)activate the agency: the dialogs' state and the requests. */
function useTokenActions(tenantId: string, agencyId: string, agency: Loaded<AgencyDto>, tokens: Loaded<unknown>) {
  const intl = useIntl();
  // generate
  const [generating, setGenerating] = useState(false);
  const [draft, setDraft] = useState<FormDraft>(NEW_FORM);
  // the secret of the token just generated or rotated (shown once)
  const [secret, setSecret] = useState<{ token: AgencyTokenWithSecret; rotated: boolean } | null>(null);
  // customize
  const [editing, setEditing] = useState<AgencyTokenDto | null>(null);
  // confirmations
  const [confirm, setConfirm] = useState<{ kind: 'rotate' | 'revoke' | 'status'; token?: AgencyTokenDto } | null>(null);

  const reloadAll = () => {
    tokens.reload();
    agency.reload();
  };
  const generate = useApiMutation((v: TokenValues) => agenciesApi.createToken(tenantId, agencyId, { label: v.label.trim(), form_config: configOf(v) }), {
    onDone: (r) => {
      setGenerating(false);
      setSecret({ token: r, rotated: false });
      reloadAll();
    },
  });
  const save = useApiMutation((tok: AgencyTokenDto, v: TokenValues) => agenciesApi.updateToken(tenantId, agencyId, tok.id, { label: v.label.trim(), form_config: configOf(v) }), {
    success: intl.formatMessage(m.formSaved),
    onDone: () => {
      setEditing(null);
      tokens.reload();
    },
  });
  const act = useApiMutation(
    async (c: { kind: 'rotate' | 'revoke' | 'status'; token?: AgencyTokenDto }) => {
      if (c.kind === 'rotate') return { rotated: await agenciesApi.rotateToken(tenantId, agencyId, c.token!.id) };
      if (c.kind === 'revoke') return { revoked: await agenciesApi.revokeToken(tenantId, agencyId, c.token!.id) };
      return { agency: await agenciesApi.update(tenantId, agencyId, { status: agency.data?.status === 'active' ? 'inactive' : 'active' }) };
    },
    {
      success: (r) =>
        'revoked' in r
          ? intl.formatMessage(m.tokenRevoked)
          : 'agency' in r
            ? intl.formatMessage(r.agency?.status === 'inactive' ? m.agencyDeactivated : m.agencyReactivated)
            : '',
      onDone: (r) => {
        setConfirm(null);
        if ('rotated' in r && r.rotated) setSecret({ token: r.rotated, rotated: true });
        reloadAll();
      },
    },
  );

  return { generating, setGenerating, draft, setDraft, secret, setSecret, editing, setEditing, confirm, setConfirm, generate, save, act };
}

export function AgencyDetailPage() {
  const t = useView().tenant!;
  const intl = useIntl();
  const { agencyId = '' } = useParams();
  const agency = useApiQuery(agencyKeys.one(t.tenant_id, agencyId), () => agenciesApi.get(t.tenant_id, agencyId));
  const tokens = useApiQuery(agencyKeys.tokens(t.tenant_id, agencyId), () => agenciesApi.tokens(t.tenant_id, agencyId));
  const types = useApiQuery(agencyKeys.voucherTypes, () => agenciesApi.voucherTypes());
  const catalog: VoucherTypeDto[] = types.data?.data ?? [];

  const { generating, setGenerating, draft, setDraft, secret, setSecret, editing, setEditing, confirm, setConfirm, generate, save, act } = useTokenActions(t.tenant_id, agencyId, agency, tokens);

  const a = agency.data;
  const rows = tokens.data?.data ?? [];
  const inactive = a?.status === 'inactive';

  if (agency.error) return <ErrorAlert error={agency.error} />;
  return (
    <>
      <Anchor component={Link} to={`/tenant/${t.tenant_id}/agencies`} size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} /> <FormattedMessage {...m.back} />
        </Group>
      </Anchor>
      <PageHeader
        title={a?.name ?? '…'}
        badge={a && <StatusBadge status={a.status} />}
        description={intl.formatMessage(m.description)}
        actions={
          a && (
            <>
              <Button variant="default" color={inactive ? 'teal' : 'red'} onClick={() => { act.reset(); setConfirm({ kind: 'status' }); }}>
                {intl.formatMessage(inactive ? m.reactivateAgency : m.deactivateAgency)}
              </Button>
              <Button leftSection={<IconKey size={16} />} disabled={inactive} onClick={() => { generate.reset(); setDraft({ ...NEW_FORM, allowed_voucher_types: catalog.slice(0, 1).map((c) => c.id) }); setGenerating(true); }}>
                <FormattedMessage {...m.generateToken} />
              </Button>
            </>
          )
        }
      />
      {inactive && (
        <Alert color="gray" mb="md">
          <FormattedMessage {...m.inactive} />
        </Alert>
      )}

      <Title order={3} size="h4" mb="xs">
        <FormattedMessage {...m.formTokens} />
      </Title>
      <ErrorAlert error={tokens.error} />
      <Box mb="xl">
        <DataTable
          testId="agency-tokens"
          records={rows}
          loading={tokens.loading}
          rowKey={(tok) => tok.id}
          rowProps={(tok) => ({ 'data-token-label': tok.label })}
          empty={intl.formatMessage(m.tokensEmpty)}
          columns={tokenColumns(intl, catalog, {
            customize: (tok) => { save.reset(); setEditing(tok); },
            rotate: (tok) => { act.reset(); setConfirm({ kind: 'rotate', token: tok }); },
            revoke: (tok) => { act.reset(); setConfirm({ kind: 'revoke', token: tok }); },
          })}
        />
      </Box>

      <Title order={3} size="h4" mb="xs">
        <FormattedMessage {...m.embedCode} />
      </Title>
      <Paper withBorder radius="md" p="md" mb="xl">
        <EmbedSnippets token="YOUR_FORM_TOKEN" placeholder />
      </Paper>

      <AgencyVouchers tenantId={t.tenant_id} agencyId={agencyId} />

      {/* generate a token: configure the form, watch the preview */}
      <Modal opened={generating} onClose={() => setGenerating(false)} title={intl.formatMessage(m.generateTitle)} size="xl">
        {generating && (
          <TokenForm
            initial={{ label: intl.formatMessage(m.defaultLabel), ...draft }}
            action={generate}
            send={(v) => generate.run(v)}
            submitLabel={intl.formatMessage(m.generateSubmit)}
            description={intl.formatMessage(m.labelHelp)}
            catalog={catalog}
            agencyName={a?.name ?? ''}
            tenantName={t.name}
            onCancel={() => setGenerating(false)}
          />
        )}
      </Modal>

      {/* customize an existing form */}
      <Modal opened={!!editing} onClose={() => setEditing(null)} title={intl.formatMessage(m.customizeTitle, { label: editing?.label ?? '' })} size="xl">
        {editing && (
          <TokenForm
            key={editing.id}
            initial={{ label: editing.label, ...draftOf(editing.form_config) }}
            action={save}
            send={(v) => save.run(editing, v)}
            submitLabel={intl.formatMessage(m.saveForm)}
            catalog={catalog}
            agencyName={a?.name ?? ''}
            tenantName={t.name}
            onCancel={() => setEditing(null)}
          />
        )}
      </Modal>

      <SecretModal secret={secret} onClose={() => setSecret(null)} />

      <ConfirmModal confirm={confirm} inactive={inactive} act={act} onClose={() => setConfirm(null)} />
    </>
  );
}

/** The form tokens' columns: label, token prefix, status, voucher types, last use, and what can be done with an active one. */
function tokenColumns(intl: IntlShape, catalog: VoucherTypeDto[], on: Record<'customize' | 'rotate' | 'revoke', (tok: AgencyTokenDto) => void>): Column<AgencyTokenDto>[] {
  return [
    { key: 'label', title: intl.formatMessage(m.colForm), mobile: 'title', sortValue: (tok) => tok.label, render: (tok) => <Text fw={500} fz="inherit">{tok.label}</Text> },
    {
      key: 'token',
      title: intl.formatMessage(m.colToken),
      render: (tok) => (
        <>
          <Code>{tok.token_prefix}…</Code>
          {tok.rotated_at && (
            <Text size="xs" c="dimmed">
              <FormattedMessage {...m.rotatedOn} values={{ date: formatDate(tok.rotated_at) }} />
            </Text>
          )}
        </>
      ),
    },
    { key: 'status', title: intl.formatMessage(m.colStatus), sortValue: (tok) => tok.status, render: (tok) => <StatusBadge status={tok.status} /> },
    {
      key: 'types',
      title: intl.formatMessage(m.colTypes),
      render: (tok) => (
        <Group gap={4}>
          {tok.form_config.allowed_voucher_types.map((id) => (
            <Badge key={id} variant="outline" size="sm">
              {catalog.find((c) => c.id === id)?.name ?? id}
            </Badge>
          ))}
        </Group>
      ),
    },
    { key: 'last_used', title: intl.formatMessage(m.colLastUsed), sortValue: (tok) => tok.last_used_at, render: (tok) => <span data-testid="token-last-used">{formatDateTime(tok.last_used_at)}</span> },
    { key: 'created', title: intl.formatMessage(m.colCreated), sortValue: (tok) => tok.created_at, render: (tok) => formatDate(tok.created_at) },
    {
      key: 'actions',
      title: '',
      label: intl.formatMessage(m.colActions),
      align: 'right',
      mobile: 'footer',
      render: (tok) =>
        tok.status === 'active' && (
          <Group gap={4} justify="flex-end" wrap="wrap">
            <Button size="xs" variant="subtle" leftSection={<IconPencil size={14} />} onClick={() => on.customize(tok)}>
              <FormattedMessage {...m.customize} />
            </Button>
            <Button size="xs" variant="subtle" leftSection={<IconRefresh size={14} />} onClick={() => on.rotate(tok)}>
              <FormattedMessage {...m.rotate} />
            </Button>
            <Button size="xs" variant="subtle" color="red" leftSection={<IconBan size={14} />} onClick={() => on.revoke(tok)}>
              <FormattedMessage {...m.revoke} />
            </Button>
          </Group>
        ),
    },
  ];
}

/** The vouchers this agency issued, newest first. */
function AgencyVouchers({ tenantId, agencyId }: { tenantId: string; agencyId: string }) {
  // asked afresh each time the page opens: the agency's visitors issue vouchers on its own site meanwhile
  const intl = useIntl();
  const vouchers = useApiQuery(agencyKeys.vouchers(tenantId, agencyId), () => agenciesApi.vouchers(tenantId, { agency_id: agencyId, limit: 20 }), { staleTime: 0 });
  return (
    <>
      <Title order={3} size="h4" mb="xs">
        <FormattedMessage {...m.vouchersTitle} />
      </Title>
      <ErrorAlert error={vouchers.error} />
      <DataTable
        testId="agency-vouchers"
        verticalSpacing="xs"
        records={vouchers.data?.data}
        loading={vouchers.loading}
        rowKey={(v) => v.id}
        empty={intl.formatMessage(m.vouchersEmpty)}
        defaultSort={{ key: 'issued', direction: 'desc' }}
        columns={[
          { key: 'code', title: intl.formatMessage(m.colCode), mobile: 'title', sortValue: (v) => v.code, render: (v) => <Code>{v.code}</Code> },
          { key: 'voucher', title: intl.formatMessage(m.colVoucher), sortValue: (v) => v.description, render: (v) => v.description },
          { key: 'recipient', title: intl.formatMessage(m.colRecipient), render: (v) => [v.recipient_name, v.recipient_email].filter(Boolean).join(' · ') || '—' },
          { key: 'status', title: intl.formatMessage(m.colStatus), sortValue: (v) => v.status, render: (v) => <StatusBadge status={v.status} /> },
          { key: 'issued', title: intl.formatMessage(m.colIssued), sortValue: (v) => v.created_at, render: (v) => formatDateTime(v.created_at) },
        ]}
      />
    </>
  );
}

/** The secret, once, with the embed code that carries it. */
function SecretModal({ secret, onClose }: { secret: { token: AgencyTokenWithSecret; rotated: boolean } | null; onClose(): void }) {
  const intl = useIntl();
  return (
    <Modal opened={!!secret} onClose={onClose} title={intl.formatMessage(secret?.rotated ? m.newSecretTitle : m.generatedTitle)} size="lg" closeOnClickOutside={false}>
      {secret && (
        <Stack>
          <OneTimeSecret label={intl.formatMessage(m.formToken)} value={secret.token.token} hint={intl.formatMessage(m.secretHint, { product: PRODUCT })} />
          {secret.rotated && (
            <Alert color="orange" variant="light">
              <FormattedMessage {...m.previousGone} />
            </Alert>
          )}
          <Text fw={500} size="sm">
            <FormattedMessage {...m.embedCode} />
          </Text>
          <EmbedSnippets token={secret.token.token} />
          <Group justify="flex-end">
            <Button onClick={() => onClose()}>
              <FormattedMessage {...m.copied} />
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

type Confirm = { kind: 'rotate' | 'revoke' | 'status'; token?: AgencyTokenDto };

function ConfirmModal({ confirm, inactive, act, onClose }: { confirm: Confirm | null; inactive: boolean; act: Action<[Confirm], unknown>; onClose(): void }) {
  const intl = useIntl();
  return (
    <ReasonModal
      opened={!!confirm}
      title={intl.formatMessage(confirm?.kind === 'rotate' ? m.rotateTitle : confirm?.kind === 'revoke' ? m.revokeTitle : inactive ? m.reactivateTitle : m.deactivateTitle)}
      message={
        confirm?.kind === 'rotate'
          ? intl.formatMessage(m.rotateMessage, { label: confirm.token?.label })
          : confirm?.kind === 'revoke'
            ? intl.formatMessage(m.revokeMessage, { label: confirm.token?.label })
            : intl.formatMessage(inactive ? m.reactivateMessage : m.deactivateMessage)
      }
      confirmLabel={intl.formatMessage(confirm?.kind === 'rotate' ? m.rotate : confirm?.kind === 'revoke' ? m.revoke : inactive ? m.reactivate : m.deactivate)}
      color={confirm?.kind === 'rotate' ? 'blue' : inactive && confirm?.kind === 'status' ? 'teal' : 'red'}
      reason="none"
      busy={act.busy}
      error={act.error}
      onClose={onClose}
      onConfirm={() => confirm && void act.run(confirm)}
    />
  );
}

type TokenValues = FormDraft & { label: string };

/** One form token's settings, with the live preview beside them; checked in words before sending. */
function TokenForm(p: {
  initial: TokenValues;
  action: { busy: boolean; error: unknown; reset(): void };
  send(v: TokenValues): Promise<unknown>;
  submitLabel: string;
  description?: string;
  catalog: VoucherTypeDto[];
  agencyName: string;
  tenantName: string;
  onCancel(): void;
}) {
  const intl = useIntl();
  const form = useApiForm<TokenValues>(
    {
      initialValues: p.initial,
      validate: {
        label: (v) => required(v, intl.formatMessage(m.labelRequired)),
        allowed_voucher_types: (v) => required(v, intl.formatMessage(m.typesRequired)),
      },
    },
    p.action,
  );
  const v = form.values;
  const e = form.errors;
  return (
    <Grid gap="lg">
      <Grid.Col span={{ base: 12, md: 6 }}>
        <form noValidate onSubmit={form.submit(p.send)}>
          <Stack>
            <TextInput label={intl.formatMessage(m.formName)} description={p.description} maxLength={120} withAsterisk {...form.getInputProps('label')} />
            <FormConfigEditor
              value={v}
              onChange={(d) => form.setValues(d)}
              types={p.catalog}
              error={(e.allowed_voucher_types ?? e['form_config.allowed_voucher_types']) as string | undefined}
            />
            <ErrorAlert error={p.action.error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={p.onCancel}>
                <FormattedMessage {...m.cancel} />
              </Button>
              <Button type="submit" loading={p.action.busy}>
                {p.submitLabel}
              </Button>
            </Group>
          </Stack>
        </form>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 6 }}>
        <FormPreview config={configOf(v)} types={p.catalog} agencyName={p.agencyName} tenantName={p.tenantName} />
      </Grid.Col>
    </Grid>
  );
}
