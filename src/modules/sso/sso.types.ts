/**
 * Single sign-on per organization: the contract between the organization-level flow (connections, sign-in routing
 * by verified domain, just-in-time people, group → role mapping, trusted upstream MFA) and the protocol adapters
 * (OpenID Connect through openid-client, SAML 2.0 through @node-saml/node-saml).
 *
 * An adapter knows nothing about organizations or roles: it turns the provider's answer into an UpstreamIdentity,
 * or refuses it with an SsoProtocolError whose `code` the sign-in page explains in plain words.
 */
import type { RequestContext } from '../../platform/http/request-context.ts';

/** Who the organization's identity provider says signed in. */
export interface UpstreamIdentity {
  /** The provider's stable id for the person (OIDC `sub`, SAML NameID). */
  subject: string;
  email: string;
  name?: string;
  /** Group names or ids as the provider sends them; the connection's mapping turns them into member roles. */
  groups: string[];
  /** How the person authenticated, as asserted: OIDC `amr` values and `acr`, or SAML AuthnContextClassRef. */
  authnMethods: string[];
  /**
   * The provider's session the person signed in with, when it names one (OIDC `sid`; SAML SessionIndex, with
   * the NameID's format): a logout from the provider ends the portal sessions that came from it.
   */
  upstreamSession?: { id: string | null; nameId?: string; nameIdFormat?: string; nameQualifier?: string; spNameQualifier?: string };
}

/** Why a provider's answer was refused; each code has a plain-words explanation on the sign-in error page. */
export type SsoRefusal =
  | 'sso.response_invalid' // unreadable, unsigned, or the signature does not verify
  | 'sso.response_expired' // outside its validity window (with the connection's clock skew)
  | 'sso.response_replayed' // an assertion or state already used
  | 'sso.wrong_audience' // issued for another service provider
  | 'sso.unsolicited' // InResponseTo / state not issued by us, or for another connection
  | 'sso.missing_email' // the provider did not say who signed in
  | 'sso.provider_unreachable' // discovery or metadata could not be fetched
  | 'sso.provider_refused' // the provider answered with an error (the person cancelled, no access to the app…)
  | 'sso.connection_unavailable' // no such connection, or it is switched off
  | 'sso.email_not_on_verified_domain' // a new person whose address is not on one of the organization's verified domains
  | 'sso.account_conflict' // the address belongs to an operator or to a member of another organization
  | 'sso.account_disabled' // the person's account here is turned off
  | 'sso.flow_other_browser'; // the answer came back to a browser other than the one that started the sign-in

export class SsoProtocolError extends Error {
  readonly code: SsoRefusal;
  readonly detail: string;
  constructor(code: SsoRefusal, detail: string) {
    super(detail);
    this.code = code;
    this.detail = detail;
    this.name = 'SsoProtocolError';
  }
}

/** What the SAML adapter needs from a connection (stored per organization). */
export interface SamlConnectionSettings {
  /** Our service provider entity id for this connection, and where the provider posts its answer. */
  spEntityId: string;
  acsUrl: string;
  /** The identity provider's metadata XML (fetched from its URL when the operator gave a URL). */
  idpMetadataXml: string;
  /** Allowed clock difference, in seconds. */
  clockSkewSeconds: number;
  /**
   * An unsolicited Response (sign-in started at the identity provider, no InResponseTo) is accepted when
   * true — its assertion must then be signed itself; off by default (finishSamlUnsolicited).
   */
  allowIdpInitiated?: boolean;
  /** Attribute names for e-mail, display name and groups, when the provider does not use the common ones. */
  attributes?: { email?: string; name?: string; groups?: string };
  /**
   * Our key pair for this connection (saml/sp-credentials.ts `newSpCredentials`; keep the private key encrypted
   * at rest with encryptWithSecret): the identity provider encrypts assertions to its certificate, and our
   * AuthnRequests are signed with it. Without it, encrypted assertions are refused and requests go unsigned.
   */
  spCredentials?: { privateKeyPem: string; certificatePem: string };
  /**
   * Certificate rotation (sso-sp-rotation.ts): the next certificate, published in our metadata beside the current one
   * before it is used, and every private key an assertion may be encrypted to now (current, next, and the previous
   * one during its overlap), tried in that order.
   */
  spNextCertificatePem?: string;
  spDecryptionKeys?: string[];
  /** our SingleLogoutService (HTTP-Redirect and HTTP-POST) for this connection */
  sloUrl?: string;
}

/** A SAML sign-in in progress: the request id must come back as InResponseTo exactly once. */
export interface SamlStart {
  redirectUrl: string;
  requestId: string;
}

/**
 * What a sign-in in progress is for: a real sign-in (a session at the end), or an owner's "Test sign-in"
 * (the provider's answer and the role it would give are shown; nobody is created, nothing changes).
 */
export type SsoPurpose = 'sign_in' | 'test';

/**
 * A sign-in in progress, kept server-side (Redis when configured, else the sso_flows table), single
 * use, for SSO_FLOW_TTL_MS. The browser carries only `state` (OIDC `state`, SAML `RelayState`).
 * `protocol` holds what the adapter must check on the way back: the OIDC nonce and PKCE verifier,
 * or the SAML AuthnRequest id that must come back as InResponseTo.
 */
export interface SsoFlow {
  connectionId: string;
  purpose: SsoPurpose;
  /** the portal path to land on after a sign-in (same origin, checked) */
  returnTo: string | null;
  /** the owner who pressed "Test sign-in" */
  testedBy: string | null;
  protocol: Record<string, string>;
  /** keyed hash of the browser-binding cookie set at the start (sso-browser-binding.ts); sign-ins only */
  browserHash?: string | null;
}

/**
 * How the SAML adapter (src/modules/sso/saml/) plugs into the organization-level flow (SsoService):
 *
 *   sso.registerAdapter('saml', adapter)            at wiring time (build-app)
 *   adapter.start(connection, state)                 called by GET /sso/start when the e-mail routes to a
 *                                                   SAML connection (and by "Test sign-in"): the URL to send
 *                                                   the browser to; `state` goes out as RelayState. What it
 *                                                   returns as `protocol` (the AuthnRequest id) is kept with the
 *                                                   flow and handed back to finishInBrowser's caller.
 *   the adapter's ACS route (POST /sso/saml/:connection_id/acs, mounted by the adapter) then calls
 *   `sso.finishInBrowser(req, reply, { state, connectionId, result })` with `result` the UpstreamIdentity it
 *   read or the SsoProtocolError it refused with: the state is taken once, and that function signs the
 *   person in (SsoService.completeUpstreamSignIn), shows the test result, or shows the refusal page.
 *   adapter.metadataXml(connection)                  our service provider metadata for the portal's download
 */
export interface SsoAdapter {
  start(connection: SsoConnectionSettings, state: string): Promise<{ redirectUrl: string; protocol?: Record<string, string> }>;
  metadataXml?(connection: SsoConnectionSettings): string | Promise<string>;
  /** "Check now": the provider's metadata re-read from its address (saml/idp-metadata-refresh.ts) */
  refreshMetadata?(ctx: RequestContext, connectionId: string): Promise<{ ok: boolean; changed: boolean; error: string | null }>;
}

/** A connection as the adapters see it (no organization logic, no secrets they do not need). */
export interface SsoConnectionSettings {
  id: string;
  kind: 'oidc' | 'saml';
  orgType: 'partner' | 'tenant';
  orgId: string;
  enabled: boolean;
  saml: SamlConnectionSettings | null;
}
