/**
 * What a saved single sign-on connection's row holds, from the owner's input and the row before: the
 * client secret or our private key encrypted with the installation's secret, the provider's SAML
 * metadata read (fetched from its address, or the pasted XML checked) so bad metadata is refused on
 * save rather than at the first sign-in, and a SAML connection's own key pair made once; and what the
 * protocol adapters see of a saved row, its secrets decrypted.
 */
import { encryptWithSecret } from '../../platform/crypto.ts';
import { newSpCredentials } from './saml/sp-credentials.ts';
import { fetchIdpMetadata, IdpMetadataError, IdpMetadataUnreachable, parseIdpMetadata } from './saml/idp-metadata.ts';
import { metadataFailureDetail } from './saml/metadata-failure.messages.ts';
import { DEFAULT_LOCALE, type Locale } from '../../platform/i18n/locales.ts';
import { newClientKey } from './oidc.adapter.ts';
import { ssoErrors as E } from './sso.errors.ts';
import type { ConnectionRow } from './sso.repo.ts';
import type { JWK } from 'jose';
import type { Clock } from '../../platform/clock.ts';
import { decryptWithSecret } from '../../platform/crypto.ts';
import type { GroupMapping } from './sso-mapping.ts';
import { SsoProtocolError, type SsoConnectionSettings } from './sso.types.ts';
import type { OidcSettings } from './oidc.adapter.ts';

/** What the owner gives for a connection (the API's body). */
export interface ConnectionInput {
  kind: 'oidc' | 'saml';
  name: string;
  enabled: boolean;
  oidc?: { issuer: string; client_id: string; auth_method: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt'; client_secret?: string; scopes?: string };
  saml?: { idp_metadata_url?: string | null; idp_metadata_xml?: string | null; clock_skew_seconds?: number; allow_idp_initiated?: boolean };
  claims?: { email?: string; name?: string; groups?: string };
  default_role: string;
  role_mappings: GroupMapping[];
  trust_upstream_mfa: boolean;
  require_sso: boolean;
  break_glass_user_id: string | null;
}

/** The row a save writes; metadata it refuses is explained in `locale` (the reader's language). */
export async function connectionRow(d: { secretKey: string; publicUrl: string; allowPrivateTargets?: boolean; clock: Clock }, input: ConnectionInput, before: ConnectionRow | undefined, id: string, now: string, locale: Locale = DEFAULT_LOCALE) {
  const o = input.kind === 'oidc' ? input.oidc! : null;
  let secretEnc = before?.oidc_client_secret_enc ?? null;
  let privateEnc = before?.oidc_private_jwk_enc ?? null;
  let publicJwk = before?.oidc_public_jwk ?? null;
  if (o && o.auth_method !== 'private_key_jwt' && o.client_secret) secretEnc = encryptWithSecret(d.secretKey, o.client_secret);
  if (o && o.auth_method === 'private_key_jwt' && !privateEnc) {
    const k = await newClientKey();
    privateEnc = encryptWithSecret(d.secretKey, JSON.stringify(k.privateJwk));
    publicJwk = JSON.stringify(k.publicJwk);
  }
  // the provider's SAML metadata is read when given, so bad metadata is refused now rather than at the first sign-in
  let metadataXml = input.kind === 'saml' ? (input.saml?.idp_metadata_xml?.trim() || null) : null;
  let fetched = false;
  const metadataUrl = input.kind === 'saml' ? (input.saml?.idp_metadata_url?.trim() || null) : null;
  if (input.kind === 'saml') {
    const bad = (detail: string, pointer: string) => E.sso_settings_invalid(detail, { fields: [{ pointer, detail }] });
    if (!metadataXml && metadataUrl && (metadataUrl !== before?.saml_idp_metadata_url || !before?.saml_idp_metadata_xml)) {
      try {
        metadataXml = (await fetchIdpMetadata(metadataUrl, { allowPrivate: d.allowPrivateTargets ?? false })).xml;
        fetched = true;
      } catch (e) {
        if (e instanceof IdpMetadataError || e instanceof IdpMetadataUnreachable) throw bad(metadataFailureDetail(e.failure, metadataUrl, locale), '/body/saml/idp_metadata_url');
        if (e instanceof SsoProtocolError) throw bad(`The metadata could not be read at ${metadataUrl}: ${e.detail}`, '/body/saml/idp_metadata_url');
        throw e;
      }
    } else if (metadataXml) {
      try {
        await parseIdpMetadata(metadataXml);
      } catch (e) {
        if (e instanceof IdpMetadataError) throw bad(metadataFailureDetail(e.failure, null, locale), '/body/saml/idp_metadata_xml');
        throw e;
      }
    }
  }
  // a SAML connection gets our key pair once (its certificate goes out in our metadata)
  let spKeyEnc = before?.saml_sp_private_key_enc ?? null;
  let spCert = before?.saml_sp_certificate ?? null;
  if (input.kind === 'saml' && (!spKeyEnc || !spCert)) {
    const cred = await newSpCredentials(new URL(d.publicUrl).hostname, d.clock.now());
    spKeyEnc = encryptWithSecret(d.secretKey, cred.privateKeyPem);
    spCert = cred.certificatePem;
  }
  const row = {
    kind: input.kind,
    saml_sp_private_key_enc: spKeyEnc,
    saml_sp_certificate: spCert,
    name: input.name.trim(),
    enabled: input.enabled ? 1 : 0,
    oidc_issuer: o ? o.issuer.trim().replace(/\/+$/, '') : null,
    oidc_client_id: o ? o.client_id.trim() : null,
    oidc_auth_method: o ? o.auth_method : null,
    oidc_client_secret_enc: o && o.auth_method !== 'private_key_jwt' ? secretEnc : null,
    oidc_private_jwk_enc: o ? privateEnc : null,
    oidc_public_jwk: o ? publicJwk : null,
    oidc_scopes: o ? (o.scopes?.trim() || 'openid email profile') : null,
    saml_sp_entity_id: `${d.publicUrl}/sso/saml/${id}`,
    saml_acs_url: `${d.publicUrl}/sso/saml/${id}/acs`,
    saml_idp_metadata_url: input.kind === 'saml' ? (input.saml?.idp_metadata_url !== undefined ? metadataUrl : (before?.saml_idp_metadata_url ?? null)) : null,
    saml_idp_metadata_xml: input.kind === 'saml' ? (metadataXml ?? before?.saml_idp_metadata_xml ?? null) : null,
    saml_clock_skew_seconds: input.saml?.clock_skew_seconds ?? before?.saml_clock_skew_seconds ?? 60,
    saml_allow_idp_initiated: input.kind === 'saml' && (input.saml?.allow_idp_initiated ?? before?.saml_allow_idp_initiated === 1) ? 1 : 0,
    claim_email: input.claims?.email?.trim() || 'email',
    claim_name: input.claims?.name?.trim() || 'name',
    claim_groups: input.claims?.groups?.trim() || 'groups',
    default_role: input.default_role,
    trust_upstream_mfa: input.trust_upstream_mfa ? 1 : 0,
    require_sso: input.require_sso ? 1 : 0,
    break_glass_user_id: input.break_glass_user_id,
    updated_at: now,
    // read from its address just now: the schedule re-reads it a day after (saml/idp-metadata-refresh.ts)
    ...(fetched ? { saml_idp_metadata_read_at: now, saml_idp_metadata_checked_at: now, saml_idp_metadata_error: null, saml_idp_metadata_error_params: null } : {}),
    // switching it on again clears the operator's switch-off
    ...(input.enabled ? { switched_off_by: null, switched_off_at: null, switched_off_reason: null } : {}),
  };
  return row;
}

/** The SAML single logout address of a connection (our SingleLogoutService, both bindings). */
export const samlSloUrl = (publicUrl: string, connectionId: string) => `${publicUrl}/sso/saml/${connectionId}/slo`;

/** Every private key an assertion to this connection may be encrypted to now: current, next, previous until its overlap ends. */
function decryptionKeys(secretKey: string, c: ConnectionRow, nowIso: string): string[] {
  const previousLive = c.saml_sp_previous_private_key_enc && c.saml_sp_previous_until && c.saml_sp_previous_until > nowIso;
  return [c.saml_sp_private_key_enc, c.saml_sp_next_private_key_enc, previousLive ? c.saml_sp_previous_private_key_enc : null]
    .filter((k): k is string => !!k)
    .map((k) => decryptWithSecret(secretKey, k));
}

/** What the adapters see of a connection (`nowIso`: whether the previous certificate's overlap has ended). */
export function connectionSettings(secretKey: string, c: ConnectionRow, nowIso: string): SsoConnectionSettings {
  return {
    id: c.id,
    kind: c.kind,
    orgType: c.org_type,
    orgId: c.org_id,
    enabled: c.enabled === 1,
    saml:
      c.kind === 'saml'
        ? {
            spEntityId: c.saml_sp_entity_id ?? '',
            acsUrl: c.saml_acs_url ?? '',
            idpMetadataXml: c.saml_idp_metadata_xml ?? '',
            clockSkewSeconds: c.saml_clock_skew_seconds,
            allowIdpInitiated: c.saml_allow_idp_initiated === 1,
            attributes: { email: c.claim_email, name: c.claim_name, groups: c.claim_groups },
            sloUrl: (c.saml_sp_entity_id ?? '') + '/slo',
            ...(c.saml_sp_private_key_enc && c.saml_sp_certificate
              ? {
                  spCredentials: { privateKeyPem: decryptWithSecret(secretKey, c.saml_sp_private_key_enc), certificatePem: c.saml_sp_certificate },
                  spDecryptionKeys: decryptionKeys(secretKey, c, nowIso),
                  ...(c.saml_sp_next_certificate ? { spNextCertificatePem: c.saml_sp_next_certificate } : {}),
                }
              : {}),
          }
        : null,
  };
}

export function oidcSettings(secretKey: string, c: ConnectionRow): OidcSettings {
  return {
    connectionId: c.id,
    issuer: c.oidc_issuer ?? '',
    clientId: c.oidc_client_id ?? '',
    authMethod: c.oidc_auth_method ?? 'client_secret_basic',
    clientSecret: c.oidc_client_secret_enc ? decryptWithSecret(secretKey, c.oidc_client_secret_enc) : null,
    privateJwk: c.oidc_private_jwk_enc ? (JSON.parse(decryptWithSecret(secretKey, c.oidc_private_jwk_enc)) as JWK) : null,
    scopes: c.oidc_scopes ?? 'openid email profile',
    claims: { email: c.claim_email, name: c.claim_name, groups: c.claim_groups },
    version: c.updated_at,
  };
}
