/**
 * The identity provider's SAML metadata (SAML 2.0 metadata, saml-metadata-2.0-os): who it is
 * (`entityID`), where a person is sent to sign in (`SingleSignOnService`, HTTP-Redirect binding, which
 * is what our AuthnRequest uses) and which certificates sign its assertions (`KeyDescriptor`s whose
 * `use` is `signing` or absent — several during a certificate rollover, each trusted).
 *
 * Parsed with node-saml's own DOM parser (xmldom with errors as failures, no external entities), so the
 * metadata and the responses are read by the same code. Fetching follows the webhooks' outbound rules:
 * a public address unless private targets are allowed, a time limit and a size cap.
 */
import { parseDomFromString, xpath } from '@node-saml/node-saml/lib/xml.js';
import { OutboundClient } from '../../../platform/outbound/outbound-http.ts';
import { SsoProtocolError } from '../sso.types.ts';
import { fetchFailureCode, type MetadataFailure, type MetadataFailureCode, type MetadataFailureParams } from './metadata-failure.ts';

const REDIRECT_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const POST_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';

/** How our single logout messages travel to the provider: a redirect (query) or an auto-submitted form (saml-bindings §3.4, §3.5). */
export type SloBinding = 'redirect' | 'post';

export interface IdpMetadata {
  entityId: string;
  /** HTTP-Redirect SingleSignOnService location */
  ssoUrl: string;
  /** PEM certificates that may sign the provider's responses and assertions */
  signingCerts: string[];
  /** the provider asks for signed AuthnRequests (`WantAuthnRequestsSigned`) */
  wantsSignedRequests: boolean;
  /**
   * Its SingleLogoutService (saml-metadata §2.2.2): where our LogoutRequest goes (`Location`) and our
   * LogoutResponse (`ResponseLocation`, else `Location`), by the HTTP-Redirect binding when it offers it, else
   * by HTTP-POST; null when it names neither — sign-out then stays here.
   */
  slo: { url: string; responseUrl: string; binding: SloBinding } | null;
}

/** Why metadata cannot be used: in words the organization's administrator can act on (`reason`, English), and as a code to keep. */
export class IdpMetadataError extends Error {
  readonly reason: string;
  readonly failure: MetadataFailure;
  constructor(reason: string, code: MetadataFailureCode, params: MetadataFailureParams = {}) {
    super(reason);
    this.reason = reason;
    this.failure = { code, params };
    this.name = 'IdpMetadataError';
  }
}

/** The metadata address could not be read (sso.provider_unreachable), with the failure as a code to keep. */
export class IdpMetadataUnreachable extends SsoProtocolError {
  readonly failure: MetadataFailure;
  constructor(detail: string, code: MetadataFailureCode, params: MetadataFailureParams = {}) {
    super('sso.provider_unreachable', detail);
    this.failure = { code, params };
  }
}

const MD = "namespace-uri()='urn:oasis:names:tc:SAML:2.0:metadata'";
const DS = "namespace-uri()='http://www.w3.org/2000/09/xmldsig#'";

/** The metadata's entity, sign-in address and signing certificates; IdpMetadataError when it lacks one. */
export async function parseIdpMetadata(xml: string): Promise<IdpMetadata> {
  let doc: Awaited<ReturnType<typeof parseDomFromString>>;
  try {
    doc = await parseDomFromString(xml);
  } catch {
    throw new IdpMetadataError('The metadata is not well-formed XML.', 'not_xml');
  }
  // An EntityDescriptor on its own or inside an EntitiesDescriptor (a federation's aggregate): exactly one must be an identity provider.
  const idps = xpath.selectElements(doc, `//*[local-name()='EntityDescriptor' and ${MD}][*[local-name()='IDPSSODescriptor' and ${MD}]]`);
  if (idps.length === 0) throw new IdpMetadataError('The metadata describes no SAML identity provider (no IDPSSODescriptor).', 'no_identity_provider');
  if (idps.length > 1) throw new IdpMetadataError('The metadata describes several identity providers; give the metadata of the one to use.', 'several_identity_providers');
  const entity = idps[0];
  const entityId = entity.getAttribute('entityID') ?? '';
  if (!entityId) throw new IdpMetadataError('The identity provider has no entityID.', 'no_entity_id');
  const descriptor = xpath.selectElements(entity, `./*[local-name()='IDPSSODescriptor' and ${MD}]`)[0];
  const sso = xpath
    .selectElements(descriptor, `./*[local-name()='SingleSignOnService' and ${MD}]`)
    .find((e) => e.getAttribute('Binding') === REDIRECT_BINDING);
  const ssoUrl = sso?.getAttribute('Location') ?? '';
  if (!/^https?:\/\//i.test(ssoUrl)) throw new IdpMetadataError('The identity provider has no sign-in address for the HTTP-Redirect binding.', 'no_sign_in_address');
  const signingCerts = xpath
    .selectElements(descriptor, `./*[local-name()='KeyDescriptor' and ${MD}][not(@use) or @use='signing']//*[local-name()='X509Certificate' and ${DS}]`)
    .map((e) => (e.textContent ?? '').replace(/\s+/g, ''))
    .filter((b64) => b64.length > 0)
    .map(toPem);
  if (signingCerts.length === 0) throw new IdpMetadataError('The identity provider publishes no signing certificate.', 'no_signing_certificate');
  return { entityId, ssoUrl, signingCerts, wantsSignedRequests: descriptor.getAttribute('WantAuthnRequestsSigned') === 'true', slo: singleLogoutService(descriptor) };
}

/** The provider's SingleLogoutService with an http(s) address: HTTP-Redirect preferred (no page of ours in between), else HTTP-POST. */
function singleLogoutService(descriptor: Parameters<typeof xpath.selectElements>[0]): IdpMetadata['slo'] {
  const services = xpath.selectElements(descriptor, `./*[local-name()='SingleLogoutService' and ${MD}]`);
  const web = (v: string | null) => (v && /^https?:\/\//i.test(v) ? v : null);
  for (const [uri, binding] of [[REDIRECT_BINDING, 'redirect'], [POST_BINDING, 'post']] as const) {
    const el = services.find((e) => e.getAttribute('Binding') === uri && web(e.getAttribute('Location')));
    const url = web(el?.getAttribute('Location') ?? null);
    if (el && url) return { url, responseUrl: web(el.getAttribute('ResponseLocation')) ?? url, binding };
  }
  return null;
}

function toPem(b64: string): string {
  return `-----BEGIN CERTIFICATE-----\n${(b64.match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`;
}

export interface MetadataFetchOptions {
  /** let the address be private or loopback (an identity provider inside the operator's network; tests) */
  allowPrivate: boolean;
  timeoutMs?: number;
  /** larger metadata is refused (a single provider's is a few KB; federation aggregates are not supported) */
  maxBytes?: number;
}

export const METADATA_FETCH_TIMEOUT_MS = 5_000;
export const METADATA_MAX_BYTES = 512 * 1024;

/**
 * The metadata XML at `url`, checked to describe one identity provider. Refused with
 * `sso.provider_unreachable` (IdpMetadataUnreachable) when it cannot be fetched (address refused, timeout, not 200, too large)
 * and IdpMetadataError when what came back is not usable metadata.
 */
export async function fetchIdpMetadata(url: string, o: MetadataFetchOptions): Promise<{ xml: string; metadata: IdpMetadata }> {
  const client = new OutboundClient({ allowPrivate: o.allowPrivate, timeoutMs: o.timeoutMs ?? METADATA_FETCH_TIMEOUT_MS, maxResponseBytes: (o.maxBytes ?? METADATA_MAX_BYTES) + 1 });
  try {
    const r = await client.get(url, { accept: 'application/samlmetadata+xml, application/xml, text/xml', 'user-agent': 'Partnergate-SSO/1' });
    if (!r.ok) {
      const code = fetchFailureCode(r.failure);
      throw new IdpMetadataUnreachable(`The metadata could not be fetched: ${r.detail}.`, code, code === 'timeout' ? { seconds: Math.ceil((o.timeoutMs ?? METADATA_FETCH_TIMEOUT_MS) / 1000) } : {});
    }
    if (r.status !== 200) throw new IdpMetadataUnreachable(`The metadata address answered with HTTP status ${r.status}.`, 'http_status', { status: r.status });
    if (r.truncated || Buffer.byteLength(r.body) > (o.maxBytes ?? METADATA_MAX_BYTES)) {
      const kb = Math.round((o.maxBytes ?? METADATA_MAX_BYTES) / 1024);
      throw new IdpMetadataUnreachable(`The metadata is larger than ${kb} KB.`, 'too_large', { kb });
    }
    return { xml: r.body, metadata: await parseIdpMetadata(r.body) };
  } finally {
    await client.close();
  }
}
