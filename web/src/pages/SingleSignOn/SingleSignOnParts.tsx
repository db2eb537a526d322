/** The parts of the single sign-on page: the domains it covers, the connection's state, the OpenID Connect and SAML fields. */
import { Link } from 'react-router';
import { Alert, Anchor, Badge, Button, Card, Group, PasswordInput, Select, SimpleGrid, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { ssoApi, type SsoOrg, type SsoSettings } from '../../api/sso.ts';
import { timeAgo } from '../../components/format.ts';
import { CopyField, DomainStatusBadge } from '../Domains/DomainParts.tsx';
import type { AuthMethod, Draft, SetDraft } from './ssoDraft.ts';

type Connection = NonNullable<SsoSettings['connection']>;

const METHODS = [
  { value: 'client_secret_basic', label: 'A client secret your provider gave you (recommended)' },
  { value: 'client_secret_post', label: 'A client secret, sent in the request body (some older providers)' },
  { value: 'private_key_jwt', label: 'Our own signing key, no shared secret (private_key_jwt)' },
];

/** Which addresses it covers: the organization's domains; only verified ones send people to the company sign-in. */
export function SsoDomainsCard({ domains, domainsPath }: { domains: SsoSettings['domains']; domainsPath: string }) {
  const verified = domains.filter((d) => d.status === 'verified');
  return (
    <Card withBorder radius="md" p="md" data-testid="sso-domains">
      <Title order={2} size="h4" mb="xs">
        Which addresses it covers
      </Title>
      {domains.length === 0 ? (
        <Text size="sm">
          No domains yet. People are sent to your company sign-in only when their address is on a domain you have verified. <Anchor component={Link} to={domainsPath} underline="always">Add and verify a domain</Anchor> first.
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
                  checked {timeAgo(d.last_checked_at)}
                </Text>
              )}
            </Group>
          ))}
          <Text size="sm" c="dimmed">
            {verified.length === 0 ? 'None is verified yet, so nobody is sent to your company sign-in. ' : 'Only verified domains send people to your company sign-in. '}
            <Anchor component={Link} to={domainsPath} underline="always">
              Manage domains
            </Anchor>
          </Text>
        </Stack>
      )}
    </Card>
  );
}

/** The saved connection: on or off, required or not, who signed in with it, and an operator's switch-off. */
export function SsoStatusCard({ c }: { c: Connection }) {
  return (
    <Card withBorder radius="md" p="md" data-testid="sso-status">
  <Group gap="xs" wrap="wrap">
    <Text fw={600}>{c.name}</Text>
    <Badge color={c.enabled ? 'teal' : 'gray'} variant="light" style={{ textTransform: 'none' }}>
      {c.enabled ? 'On' : 'Off'}
    </Badge>
    {c.require_sso && (
      <Badge color="blue" variant="light" style={{ textTransform: 'none' }}>
        Company sign-in required
      </Badge>
    )}
  </Group>
  <Text size="sm" c="dimmed" mt={4}>
    {c.people_signed_in === 0 ? 'Nobody has signed in with it yet.' : `${c.people_signed_in} ${c.people_signed_in === 1 ? 'person has' : 'people have'} signed in with it${c.last_sign_in_at ? `, the last ${timeAgo(c.last_sign_in_at)}` : ''}.`}
  </Text>
  {c.switched_off && (
    <Alert color="orange" variant="light" mt="sm" title="The platform operator switched this off">
      {c.switched_off.reason ?? 'No reason was given.'} Your people sign in with passwords until you switch it on again and save.
    </Alert>
  )}
</Card>
  );
}

export function OidcFields({ draft, set, c, callbackUrl }: { draft: Draft; set: SetDraft; c: Connection | null; callbackUrl: string }) {
  return (
    <>
      <CopyField label="Sign-in return address to give your provider (redirect URI)" value={callbackUrl} testId="sso-callback" />
      <TextInput
        label="Your provider's address"
        description="Its “issuer” URL; we read its settings from this address followed by /.well-known/openid-configuration. For Microsoft Entra ID: https://login.microsoftonline.com/<your tenant id>/v2.0"
        placeholder="https://login.example.com"
        value={draft.issuer}
        onChange={(e) => set('issuer', e.currentTarget.value)}
        data-testid="sso-issuer"
        required
      />
      <TextInput
        label="Application (client) ID"
        description="The ID your provider gave Partnergate when you registered it as an application."
        value={draft.clientId}
        onChange={(e) => set('clientId', e.currentTarget.value)}
        data-testid="sso-client-id"
        required
      />
      <Select label="How Partnergate proves it is us" data={METHODS} value={draft.authMethod} onChange={(v) => v && set('authMethod', v as AuthMethod)} allowDeselect={false} data-testid="sso-auth-method" />
      {draft.authMethod === 'private_key_jwt' ? (
        c?.oidc?.jwks_url ? (
          <CopyField label="Our public key address, to give your provider" value={c.oidc.jwks_url} testId="sso-jwks" />
        ) : (
          <Text size="sm" c="dimmed">
            Save first: we then make a key for this connection and show the address of its public half here.
          </Text>
        )
      ) : (
        <PasswordInput
          label="Client secret"
          description={c?.oidc?.client_secret_set ? 'A secret is saved (kept encrypted, never shown). Leave this empty to keep it, or enter a new one.' : 'Kept encrypted and never shown again after saving.'}
          value={draft.clientSecret}
          onChange={(e) => set('clientSecret', e.currentTarget.value)}
          data-testid="sso-client-secret"
          autoComplete="new-password"
        />
      )}
    </>
  );
}

export function SamlFields({ draft, set, c, org }: { draft: Draft; set: SetDraft; c: Connection | null; org: SsoOrg }) {
  return (
    <>
      {c?.saml && (
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
          <CopyField label="Our identifier (entity ID)" value={c.saml.sp_entity_id} testId="sso-sp-entity" />
          <CopyField label="Where your provider sends people back (ACS URL)" value={c.saml.acs_url} testId="sso-acs" />
        </SimpleGrid>
      )}
      {c?.saml?.sp_metadata_available && (
        <Group>
          <Button component="a" href={ssoApi.metadataUrl(org)} variant="light" download>
            Download our metadata
          </Button>
        </Group>
      )}
      <TextInput label="Your provider's metadata address" description="Where your provider publishes its SAML metadata, if it does." value={draft.metadataUrl} onChange={(e) => set('metadataUrl', e.currentTarget.value)} />
      <Textarea
        label="Or paste your provider's metadata (XML)"
        description={c?.saml?.idp_metadata_set ? 'Metadata is saved. Paste new metadata to replace it.' : 'The XML file your provider lets you download.'}
        autosize
        minRows={3}
        maxRows={8}
        value={draft.metadataXml}
        onChange={(e) => set('metadataXml', e.currentTarget.value)}
      />
    </>
  );
}
