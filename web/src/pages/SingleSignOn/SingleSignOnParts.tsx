/** The parts of the single sign-on page: the domains it covers, the connection's state, the OpenID Connect and SAML fields. */
import { Link } from 'react-router';
import { Alert, Anchor, Badge, Button, Card, Group, PasswordInput, Select, SimpleGrid, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { FormattedMessage, useIntl } from 'react-intl';
import { ssoApi, type SsoOrg, type SsoSettings } from '../../api/sso.ts';
import { timeAgo } from '../../components/format.ts';
import { CopyField, DomainStatusBadge } from '../Domains/DomainParts.tsx';
import type { AuthMethod, Draft, SetDraft } from './ssoDraft.ts';
import { IdpInitiatedSwitch, SamlMetadataStatus } from './SamlProviderParts.tsx';
import { SamlSignOutAndCertificates } from './SamlSignOutAndCertificates.tsx';
import { defineMessages, type Message } from '../../i18n/define.ts';
import type { ReactNode } from 'react';

type Connection = NonNullable<SsoSettings['connection']>;

const METHODS: Record<AuthMethod, Message> = defineMessages({
  client_secret_basic: { id: 'single_sign_on.auth_method.client_secret_basic', defaultMessage: 'A client secret your provider gave you (recommended)' },
  client_secret_post: { id: 'single_sign_on.auth_method.client_secret_post', defaultMessage: 'A client secret, sent in the request body (some older providers)' },
  private_key_jwt: { id: 'single_sign_on.auth_method.private_key_jwt', defaultMessage: 'Our own signing key, no shared secret (private_key_jwt)' },
});

const m = defineMessages({
  coversTitle: { id: 'single_sign_on.domains.title', defaultMessage: 'Which addresses it covers' },
  noDomains: {
    id: 'single_sign_on.domains.none',
    defaultMessage:
      'No domains yet. People are sent to your company sign-in only when their address is on a domain you have verified. <link>Add and verify a domain</link> first.',
  },
  checked: { id: 'single_sign_on.domains.checked', defaultMessage: 'checked {ago}' },
  verifiedState: {
    id: 'single_sign_on.domains.verified_state',
    defaultMessage:
      '{none, select, yes {None is verified yet, so nobody is sent to your company sign-in.} other {Only verified domains send people to your company sign-in.}} <link>Manage domains</link>',
  },
  on: { id: 'single_sign_on.status.on', defaultMessage: 'On' },
  off: { id: 'single_sign_on.status.off', defaultMessage: 'Off' },
  required: { id: 'single_sign_on.status.required', defaultMessage: 'Company sign-in required' },
  signedIn: {
    id: 'single_sign_on.status.signed_in',
    defaultMessage:
      '{count, plural, =0 {Nobody has signed in with it yet.} one {{last, select, yes {{count} person has signed in with it, the last {ago}.} other {{count} person has signed in with it.}}} other {{last, select, yes {{count} people have signed in with it, the last {ago}.} other {{count} people have signed in with it.}}}}',
  },
  switchedOffTitle: { id: 'single_sign_on.status.switched_off_title', defaultMessage: 'The platform operator switched this off' },
  noReason: { id: 'single_sign_on.status.no_reason', defaultMessage: 'No reason was given.' },
  switchedOffText: { id: 'single_sign_on.status.switched_off_text', defaultMessage: '{reason} Your people sign in with passwords until you switch it on again and save.' },
  callback: { id: 'single_sign_on.oidc.callback', defaultMessage: 'Sign-in return address to give your provider (redirect URI)' },
  callbackCopy: { id: 'single_sign_on.oidc.callback_copy', defaultMessage: 'the sign-in return address to give your provider (redirect uri)' },
  issuer: { id: 'single_sign_on.oidc.issuer', defaultMessage: "Your provider's address" },
  issuerHelp: {
    id: 'single_sign_on.oidc.issuer_help',
    defaultMessage:
      "Its “issuer” URL; we read its settings from this address followed by /.well-known/openid-configuration. For Microsoft Entra ID: https://login.microsoftonline.com/'<your tenant id>'/v2.0",
  },
  issuerPlaceholder: { id: 'single_sign_on.oidc.issuer_placeholder', defaultMessage: 'https://login.example.com' },
  clientId: { id: 'single_sign_on.oidc.client_id', defaultMessage: 'Application (client) ID' },
  clientIdHelp: { id: 'single_sign_on.oidc.client_id_help', defaultMessage: 'The ID your provider gave Partnergate when you registered it as an application.' },
  authMethod: { id: 'single_sign_on.oidc.auth_method', defaultMessage: 'How Partnergate proves it is us' },
  signOutTitle: { id: 'single_sign_on.oidc.sign_out.title', defaultMessage: 'Signing out' },
  signOutPassedOn: {
    id: 'single_sign_on.oidc.sign_out.passed_on',
    defaultMessage: 'Signing out of Partnergate also signs the person out at your provider: its settings name a sign-out page, and we send them there after ending their session here.',
  },
  signOutNotPassedOn: {
    id: 'single_sign_on.oidc.sign_out.no_sign_out_page',
    defaultMessage: 'Signing out of Partnergate does not sign the person out at your provider: its settings name no sign-out page. They stay signed in there until they sign out there.',
  },
  signOutUnknown: {
    id: 'single_sign_on.oidc.sign_out.unknown',
    defaultMessage: 'Your provider’s settings could not be read just now, so we cannot say whether signing out of Partnergate also signs the person out there. Open this page again later.',
  },
  signOutThere: {
    id: 'single_sign_on.oidc.sign_out.back_channel',
    defaultMessage:
      'Your provider can sign people out of Partnergate: when someone signs out there, it tells the address below, and the sessions they opened here through it end at once. Give this address to your provider for that.',
  },
  logoutUrl: { id: 'single_sign_on.oidc.sign_out.back_channel_url', defaultMessage: 'Sign-out address to give your provider (back-channel logout URL)' },
  logoutUrlCopy: { id: 'single_sign_on.oidc.logout_url_copy', defaultMessage: 'the sign-out address to give your provider' },
  signedOutUrl: { id: 'single_sign_on.oidc.sign_out.post_logout_url', defaultMessage: 'Where your provider sends people back after signing them out (post-logout redirect URI)' },
  signedOutUrlCopy: { id: 'single_sign_on.oidc.signed_out_url_copy', defaultMessage: 'the address your provider sends people back to after signing out' },
  jwks: { id: 'single_sign_on.oidc.jwks', defaultMessage: 'Our public key address, to give your provider' },
  jwksCopy: { id: 'single_sign_on.oidc.jwks_copy', defaultMessage: 'our public key address, to give your provider' },
  saveFirst: { id: 'single_sign_on.oidc.save_first', defaultMessage: 'Save first: we then make a key for this connection and show the address of its public half here.' },
  clientSecret: { id: 'single_sign_on.oidc.client_secret', defaultMessage: 'Client secret' },
  clientSecretSaved: {
    id: 'single_sign_on.oidc.client_secret_saved',
    defaultMessage: 'A secret is saved (kept encrypted, never shown). Leave this empty to keep it, or enter a new one.',
  },
  clientSecretNew: { id: 'single_sign_on.oidc.client_secret_new', defaultMessage: 'Kept encrypted and never shown again after saving.' },
  entityId: { id: 'single_sign_on.saml.entity_id', defaultMessage: 'Our identifier (entity ID)' },
  entityIdCopy: { id: 'single_sign_on.saml.entity_id_copy', defaultMessage: 'our identifier (entity ID)' },
  acs: { id: 'single_sign_on.saml.acs', defaultMessage: 'Where your provider sends people back (ACS URL)' },
  acsCopy: { id: 'single_sign_on.saml.acs_copy', defaultMessage: 'the address your provider sends people back to (ACS URL)' },
  downloadMetadata: { id: 'single_sign_on.saml.download_metadata', defaultMessage: 'Download our metadata' },
  metadataUrl: { id: 'single_sign_on.saml.metadata_url', defaultMessage: "Your provider's metadata address" },
  metadataUrlHelp: { id: 'single_sign_on.saml.metadata_url_help', defaultMessage: 'Where your provider publishes its SAML metadata, if it does.' },
  metadataXml: { id: 'single_sign_on.saml.metadata_xml', defaultMessage: "Or paste your provider's metadata (XML)" },
  metadataSaved: { id: 'single_sign_on.saml.metadata_saved', defaultMessage: 'Metadata is saved. Paste new metadata to replace it.' },
  metadataNew: { id: 'single_sign_on.saml.metadata_new', defaultMessage: 'The XML file your provider lets you download.' },
});

/** Which addresses it covers: the organization's domains; only verified ones send people to the company sign-in. */
export function SsoDomainsCard({ domains, domainsPath }: { domains: SsoSettings['domains']; domainsPath: string }) {
  const verified = domains.filter((d) => d.status === 'verified');
  const link = (chunks: ReactNode[]) => (
    <Anchor component={Link} to={domainsPath} underline="always">
      {chunks}
    </Anchor>
  );
  return (
    <Card withBorder radius="md" p="md" data-testid="sso-domains">
      <Title order={2} size="h4" mb="xs">
        <FormattedMessage {...m.coversTitle} />
      </Title>
      {domains.length === 0 ? (
        <Text size="sm">
          <FormattedMessage {...m.noDomains} values={{ link }} />
        </Text>
      ) : (
        <Stack gap={6}>
          {domains.map((d) => (
            <Group key={d.id} gap="xs" wrap="wrap">
              <Text fw={600} size="sm" style={{ wordBreak: 'break-all' }}>
                {d.domain}
              </Text>
              <DomainStatusBadge status={d.status as 'pending' | 'verified' | 'failed'} />
              {d.last_checked_at && (
                <Text size="xs" c="dimmed">
                  <FormattedMessage {...m.checked} values={{ ago: timeAgo(d.last_checked_at) }} />
                </Text>
              )}
            </Group>
          ))}
          <Text size="sm" c="dimmed">
            <FormattedMessage {...m.verifiedState} values={{ none: verified.length === 0 ? 'yes' : 'no', link }} />
          </Text>
        </Stack>
      )}
    </Card>
  );
}

/** The saved connection: on or off, required or not, who signed in with it, and an operator's switch-off. */
export function SsoStatusCard({ c }: { c: Connection }) {
  const intl = useIntl();
  return (
    <Card withBorder radius="md" p="md" data-testid="sso-status">
  <Group gap="xs" wrap="wrap">
    <Text fw={600}>{c.name}</Text>
    <Badge color={c.enabled ? 'teal' : 'gray'} variant="light" style={{ textTransform: 'none' }}>
      {c.enabled ? intl.formatMessage(m.on) : intl.formatMessage(m.off)}
    </Badge>
    {c.require_sso && (
      <Badge color="blue" variant="light" style={{ textTransform: 'none' }}>
        <FormattedMessage {...m.required} />
      </Badge>
    )}
  </Group>
  <Text size="sm" c="dimmed" mt={4}>
    <FormattedMessage {...m.signedIn} values={{ count: c.people_signed_in, last: c.last_sign_in_at ? 'yes' : 'no', ago: c.last_sign_in_at ? timeAgo(c.last_sign_in_at) : '' }} />
  </Text>
  {c.switched_off && (
    <Alert color="orange" variant="light" mt="sm" title={intl.formatMessage(m.switchedOffTitle)}>
      <FormattedMessage {...m.switchedOffText} values={{ reason: c.switched_off.reason ?? intl.formatMessage(m.noReason) }} />
    </Alert>
  )}
</Card>
  );
}

export function OidcFields({ draft, set, c, callbackUrl }: { draft: Draft; set: SetDraft; c: Connection | null; callbackUrl: string }) {
  const intl = useIntl();
  return (
    <>
      <CopyField label={intl.formatMessage(m.callback)} copyLabel={intl.formatMessage(m.callbackCopy)} value={callbackUrl} testId="sso-callback" />
      <TextInput
        label={intl.formatMessage(m.issuer)}
        description={intl.formatMessage(m.issuerHelp)}
        placeholder={intl.formatMessage(m.issuerPlaceholder)}
        value={draft.issuer}
        onChange={(e) => set('issuer', e.currentTarget.value)}
        data-testid="sso-issuer"
        required
      />
      <TextInput
        label={intl.formatMessage(m.clientId)}
        description={intl.formatMessage(m.clientIdHelp)}
        value={draft.clientId}
        onChange={(e) => set('clientId', e.currentTarget.value)}
        data-testid="sso-client-id"
        required
      />
      <Select
        label={intl.formatMessage(m.authMethod)}
        data={(Object.keys(METHODS) as AuthMethod[]).map((value) => ({ value, label: intl.formatMessage(METHODS[value]) }))}
        value={draft.authMethod} onChange={(v) => v && set('authMethod', v as AuthMethod)} allowDeselect={false} data-testid="sso-auth-method" />
      {draft.authMethod === 'private_key_jwt' ? (
        c?.oidc?.jwks_url ? (
          <CopyField label={intl.formatMessage(m.jwks)} copyLabel={intl.formatMessage(m.jwksCopy)} value={c.oidc.jwks_url} testId="sso-jwks" />
        ) : (
          <Text size="sm" c="dimmed">
            <FormattedMessage {...m.saveFirst} />
          </Text>
        )
      ) : (
        <PasswordInput
          label={intl.formatMessage(m.clientSecret)}
          description={c?.oidc?.client_secret_set ? intl.formatMessage(m.clientSecretSaved) : intl.formatMessage(m.clientSecretNew)}
          value={draft.clientSecret}
          onChange={(e) => set('clientSecret', e.currentTarget.value)}
          data-testid="sso-client-secret"
          autoComplete="new-password"
        />
      )}
      {c?.oidc ? <OidcSignOut oidc={c.oidc} /> : null}
    </>
  );
}

const SIGN_OUT_HERE: Record<NonNullable<Connection['oidc']>['sign_out_at_provider'], Message> = {
  passed_on: m.signOutPassedOn,
  no_sign_out_page: m.signOutNotPassedOn,
  unknown: m.signOutUnknown,
};

/** Signing out, both ways: whether signing out here reaches the provider (its discovery says), and the address for the provider to sign people out here. */
function OidcSignOut({ oidc }: { oidc: NonNullable<Connection['oidc']> }) {
  const intl = useIntl();
  return (
    <Stack gap="xs" data-testid="sso-sign-out">
      <Title order={2} size="h5">
        <FormattedMessage {...m.signOutTitle} />
      </Title>
      <Text size="sm" data-testid="sso-sign-out-here">
        <FormattedMessage {...SIGN_OUT_HERE[oidc.sign_out_at_provider]} />
      </Text>
      {oidc.sign_out_at_provider !== 'no_sign_out_page' && (
        <CopyField label={intl.formatMessage(m.signedOutUrl)} copyLabel={intl.formatMessage(m.signedOutUrlCopy)} value={oidc.post_logout_redirect_url} testId="sso-signed-out-url" />
      )}
      <Text size="sm" data-testid="sso-sign-out-there">
        <FormattedMessage {...m.signOutThere} />
      </Text>
      <CopyField label={intl.formatMessage(m.logoutUrl)} copyLabel={intl.formatMessage(m.logoutUrlCopy)} value={oidc.backchannel_logout_url} testId="sso-logout-url" />
    </Stack>
  );
}

export function SamlFields({ draft, set, c, org }: { draft: Draft; set: SetDraft; c: Connection | null; org: SsoOrg }) {
  const intl = useIntl();
  return (
    <>
      {c?.saml && (
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
          <CopyField label={intl.formatMessage(m.entityId)} copyLabel={intl.formatMessage(m.entityIdCopy)} value={c.saml.sp_entity_id} testId="sso-sp-entity" />
          <CopyField label={intl.formatMessage(m.acs)} copyLabel={intl.formatMessage(m.acsCopy)} value={c.saml.acs_url} testId="sso-acs" />
        </SimpleGrid>
      )}
      {c?.saml?.sp_metadata_available && (
        <Group>
          <Button component="a" href={ssoApi.metadataUrl(org)} variant="light" download>
            <FormattedMessage {...m.downloadMetadata} />
          </Button>
        </Group>
      )}
      <TextInput label={intl.formatMessage(m.metadataUrl)} description={intl.formatMessage(m.metadataUrlHelp)} value={draft.metadataUrl} onChange={(e) => set('metadataUrl', e.currentTarget.value)} />
      <Textarea
        label={intl.formatMessage(m.metadataXml)}
        description={c?.saml?.idp_metadata_set ? intl.formatMessage(m.metadataSaved) : intl.formatMessage(m.metadataNew)}
        autosize
        minRows={3}
        maxRows={8}
        value={draft.metadataXml}
        onChange={(e) => set('metadataXml', e.currentTarget.value)}
      />
      {c && <SamlMetadataStatus c={c} org={org} />}
      <IdpInitiatedSwitch draft={draft} set={set} />
      {c && <SamlSignOutAndCertificates c={c} org={org} />}
    </>
  );
}
