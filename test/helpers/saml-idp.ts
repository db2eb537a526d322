/**
 * A real SAML 2.0 identity provider for tests, built on samlify (an independent implementation from
 * node-saml, which our service provider uses — so a test passes only when the two agree on the wire).
 *
 * It signs its assertions with its own key (and encrypts them to the SP's certificate when asked),
 * serves its metadata over HTTP on loopback, and has a tiny login page so a browser can sign in
 * through it: GET <ssoUrl>?SAMLRequest=… (HTTP-Redirect binding) → a page listing its people →
 * POST /login → an auto-submitting form that POSTs the SAMLResponse to the SP's ACS.
 *
 * Responses can be made wrong on purpose (`variant`): tampered after signing, expired, for another
 * audience, unsolicited (no InResponseTo) or answering someone else's request, unsigned, signed only
 * at the Response level, or a refusal (Status Responder/RequestDenied).
 */
import { randomBytes, generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseDomFromString } from '@node-saml/node-saml/lib/xml.js';
import { createRequire } from 'node:module';
import { certificateBody, selfSignedCertificate } from '../../src/modules/sso/saml/sp-credentials.ts';

// samlify's type declarations import @xmldom/xmldom's, which reference the browser's DOM library: that
// would give the whole typecheck the browser's fetch, Headers and BodyInit in place of Node's. So
// samlify is loaded untyped here, with the little of its API this identity provider uses typed below.
interface SamlifyEntity {
  createLoginResponse(...args: any[]): Promise<{ context: string; entityEndpoint: string; id: string }>;
  [other: string]: any;
}
const samlify = createRequire(import.meta.url)('samlify') as {
  setSchemaValidator(v: { validate(xml: string): Promise<string> }): void;
  IdentityProvider(settings: Record<string, unknown>): SamlifyEntity;
  ServiceProvider(settings: Record<string, unknown>): SamlifyEntity;
};

// samlify will not parse a message until a schema validator is set. A blanket `async () => true` would
// let a malformed AuthnRequest from our side through unnoticed, so the validator does a real XML parse
// (node-saml's xmldom parser, errors fatal) and checks the root is a SAML protocol message. It is not a
// full XSD validation: samlify's XSD validators need a Java runtime or native libxml bindings.
samlify.setSchemaValidator({
  validate: async (xml: string) => {
    const doc = await parseDomFromString(xml);
    const root = doc.documentElement;
    if (!root || root.namespaceURI !== 'urn:oasis:names:tc:SAML:2.0:protocol') throw new Error('not a SAML 2.0 protocol message');
    return 'ok';
  },
});

export const CLASS_REF = {
  password: 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport',
  mfa: 'http://schemas.microsoft.com/claims/multipleauthn',
} as const;

export interface IdpUser {
  /** the NameID (an e-mail address unless `nameIdFormat` says otherwise) */
  nameId: string;
  nameIdFormat?: string;
  /** the NameID's NameQualifier and SPNameQualifier, when the provider qualifies it */
  nameQualifier?: string;
  spNameQualifier?: string;
  email?: string;
  name?: string;
  groups: string[];
  authnContextClassRef: string;
  /** extra attributes, name → values */
  attributes?: Record<string, string[]>;
}

/** ` NameQualifier="…" SPNameQualifier="…"` for those the user has */
export function qualifierAttributes(q: { nameQualifier?: string; spNameQualifier?: string }): string {
  return (q.nameQualifier ? ` NameQualifier="${esc(q.nameQualifier)}"` : '') + (q.spNameQualifier ? ` SPNameQualifier="${esc(q.spNameQualifier)}"` : '');
}

export type ResponseVariant =
  | 'good'
  | 'tampered' // the e-mail changed after signing: the signature no longer verifies
  | 'expired' // NotOnOrAfter ten minutes ago
  | 'wrong_audience' // Audience is another SP
  | 'unsolicited' // no InResponseTo at all
  | 'foreign_request' // InResponseTo names a request we never made
  | 'unsigned' // no signature anywhere
  | 'response_signed_only' // the Response is signed, the assertion inside is not
  | 'wrong_issuer' // signed by this provider's key but naming another issuer
  | 'declined'; // Status Responder / RequestDenied, no assertion

export interface ResponseOptions {
  user: IdpUser;
  /** the AuthnRequest id to answer (InResponseTo) */
  inResponseTo: string;
  variant?: ResponseVariant;
  /** encrypt the assertion to the SP's encryption certificate */
  encrypt?: boolean;
}

export interface SeenRequest {
  id: string;
  relayState: string;
  /** the request carried a Redirect-binding signature (SigAlg + Signature) */
  signed: boolean;
}

export interface SamlIdp {
  entityId: string;
  origin: string;
  metadataUrl: string;
  ssoUrl: string;
  metadataXml: string;
  /** its signing key and certificate (PEM), for the logout side (saml-idp-logout.ts) */
  keyPem: string;
  certPem: string;
  users: IdpUser[];
  /** what the login page's next answer looks like */
  next: { variant: ResponseVariant; encrypt: boolean };
  /** AuthnRequests received on the login page, in order */
  requests: SeenRequest[];
  /** what its SingleLogoutService (GET /slo) answers a browser with, when set (saml-idp-logout.ts builds one) */
  onSlo?: (url: string) => Promise<{ status: number; type: string; body: string }>;
  /** the SP (its metadata XML) responses are made for */
  trust(spMetadataXml: string): void;
  /** a SAMLResponse (base64, as POSTed to the ACS) */
  response(o: ResponseOptions): Promise<string>;
  close(): Promise<void>;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
const newId = () => `_${randomBytes(16).toString('hex')}`;

function attributeXml(name: string, values: string[]): string {
  const vs = values.map((v) => `<saml:AttributeValue xsi:type="xs:string">${esc(v)}</saml:AttributeValue>`).join('');
  return `<saml:Attribute Name="${esc(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">${vs}</saml:Attribute>`;
}

/** The Response XML before signing, shaped by the variant. */
function responseXml(o: { idpEntityId: string; spEntityId: string; acsUrl: string; user: IdpUser; inResponseTo: string; variant: ResponseVariant }): { id: string; xml: string } {
  const now = Date.now();
  const expired = o.variant === 'expired';
  const at = (ms: number) => new Date(ms).toISOString();
  const issueInstant = at(expired ? now - 15 * 60_000 : now);
  const notBefore = at(expired ? now - 15 * 60_000 : now - 60_000);
  const notOnOrAfter = at(expired ? now - 10 * 60_000 : now + 5 * 60_000);
  const inResponseTo = o.variant === 'unsolicited' ? '' : o.variant === 'foreign_request' ? newId() : o.inResponseTo;
  const irt = inResponseTo ? ` InResponseTo="${esc(inResponseTo)}"` : '';
  const audience = o.variant === 'wrong_audience' ? 'https://another-service.example/saml' : o.spEntityId;
  const id = newId();
  const issuer = esc(o.variant === 'wrong_issuer' ? 'https://another-idp.example/' : o.idpEntityId);
  const head = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0" IssueInstant="${issueInstant}" Destination="${esc(o.acsUrl)}"${irt}><saml:Issuer>${issuer}</saml:Issuer>`;
  if (o.variant === 'declined') {
    return {
      id,
      xml: `${head}<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder"><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:RequestDenied"/></samlp:StatusCode><samlp:StatusMessage>The person is not assigned to this application.</samlp:StatusMessage></samlp:Status></samlp:Response>`,
    };
  }
  const u = o.user;
  const attributes = [
    ...(u.email ? [attributeXml('email', [u.email])] : []),
    ...(u.name ? [attributeXml('http://schemas.microsoft.com/identity/claims/displayname', [u.name])] : []),
    ...(u.groups.length ? [attributeXml('groups', u.groups)] : []),
    ...Object.entries(u.attributes ?? {}).map(([n, v]) => attributeXml(n, v)),
  ].join('');
  const assertion =
    `<saml:Assertion xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema" ID="${newId()}" Version="2.0" IssueInstant="${issueInstant}">` +
    `<saml:Issuer>${issuer}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="${esc(u.nameIdFormat ?? EMAIL_FORMAT)}"${qualifierAttributes(u)}>${esc(u.nameId)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${notOnOrAfter}" Recipient="${esc(o.acsUrl)}"${irt}/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${notBefore}" NotOnOrAfter="${notOnOrAfter}"><saml:AudienceRestriction><saml:Audience>${esc(audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${issueInstant}" SessionIndex="${newId()}"><saml:AuthnContext><saml:AuthnContextClassRef>${esc(u.authnContextClassRef)}</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    (attributes ? `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` : '') +
    `</saml:Assertion>`;
  return { id, xml: `${head}<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>${assertion}</samlp:Response>` };
}

/** The raw query's SAMLRequest, RelayState and SigAlg as sent (the octet string a Redirect-binding signature covers, saml-bindings §3.4.4.1). */
function octetString(rawQuery: string): string {
  const parts = rawQuery.split('&');
  return ['SAMLRequest', 'RelayState', 'SigAlg'].map((k) => parts.find((p) => p.startsWith(`${k}=`))).filter(Boolean).join('&');
}

async function formBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}button{display:block;width:100%;margin:.5rem 0;padding:.75rem;font-size:1rem;border:1px solid #1c4f9c;background:#1c4f9c;color:#fff;border-radius:6px;cursor:pointer}</style>
</head><body><main>${body}</main></body></html>`;
}

/** Start the identity provider on 127.0.0.1 (an ephemeral port). */
export async function startSamlIdp(o: { users: IdpUser[]; name?: string; wantAuthnRequestsSigned?: boolean }): Promise<SamlIdp> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const certPem = selfSignedCertificate(privateKey, 'test-idp', new Date(Date.now() - 86_400_000), new Date(Date.now() + 365 * 86_400_000));
  let sp: ReturnType<typeof samlify.ServiceProvider> | null = null;
  let spResponseSignedOnly: ReturnType<typeof samlify.ServiceProvider> | null = null;

  const server: Server = createServer((req, res) => {
    handle(req).then(
      ({ status, type, body }) => {
        res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
        res.end(body);
      },
      (e: unknown) => {
        res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`The test identity provider refused the request: ${e instanceof Error ? e.message : String(e)}`);
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const entityId = `${origin}/metadata`;
  const ssoUrl = `${origin}/sso`;

  const idpFor = (encrypt: boolean) =>
    samlify.IdentityProvider({
      entityID: entityId,
      privateKey: keyPem,
      signingCert: certificateBody(certPem),
      isAssertionEncrypted: encrypt,
      wantAuthnRequestsSigned: o.wantAuthnRequestsSigned ?? false,
      singleSignOnService: [{ Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', Location: ssoUrl }],
      // where our LogoutRequest goes (saml-idp-logout.ts reads it from the redirect)
      singleLogoutService: [{ Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', Location: `${origin}/slo` }],
      nameIDFormat: [EMAIL_FORMAT],
    });
  const plainIdp = idpFor(false);
  const encryptingIdp = idpFor(true);
  const metadataXml = plainIdp.getMetadata();

  const spOf = () => {
    if (!sp) throw new Error('no service provider is trusted yet (call trust(spMetadataXml))');
    return sp;
  };
  const acsOf = () => spOf().entityMeta.getAssertionConsumerService('post') as string;

  async function response(r: ResponseOptions): Promise<string> {
    const variant = r.variant ?? 'good';
    const target = spOf();
    const shaped = () => responseXml({ idpEntityId: entityId, spEntityId: target.entityMeta.getEntityID(), acsUrl: acsOf(), user: r.user, inResponseTo: r.inResponseTo, variant });
    if (variant === 'unsigned' || variant === 'declined') return Buffer.from(shaped().xml).toString('base64');
    // samlify signs the assertion (the SP's metadata wants it signed) — or, for an SP that does not, the Response only
    const recipient = variant === 'response_signed_only' ? (spResponseSignedOnly as NonNullable<typeof spResponseSignedOnly>) : target;
    const idp = r.encrypt ? encryptingIdp : plainIdp;
    const made = await idp.createLoginResponse(recipient, { extract: { request: { id: r.inResponseTo } } }, 'post', { email: r.user.nameId }, {
      customTagReplacement: () => ({ ...shapedOnce(shaped) }),
      // a Response signature must cover the encrypted assertion as sent: encrypt first, then sign (samlify's default, sign
      // then encrypt, would leave a message signature over XML that is no longer there)
      encryptThenSign: variant === 'response_signed_only',
    });
    const context = (made as { context: string }).context;
    if (variant !== 'tampered') return context;
    const xml = Buffer.from(context, 'base64').toString('utf8');
    const email = r.user.email ?? r.user.nameId;
    if (!xml.includes(email)) throw new Error('cannot tamper with an encrypted assertion');
    return Buffer.from(xml.split(email).join('mallory@evil.example')).toString('base64');
  }

  async function handle(req: IncomingMessage): Promise<{ status: number; type: string; body: string }> {
    const url = new URL(req.url ?? '/', origin);
    if (req.method === 'GET' && url.pathname === '/metadata') return { status: 200, type: 'application/samlmetadata+xml', body: metadataXml };
    if (req.method === 'GET' && url.pathname === '/slo' && seen.onSlo) return seen.onSlo(url.href);
    if (req.method === 'GET' && url.pathname === '/sso') {
      const rawQuery = (req.url ?? '').split('?')[1] ?? '';
      const parsed = await plainIdp.parseLoginRequest(spOf(), 'redirect', { query: Object.fromEntries(url.searchParams), octetString: octetString(rawQuery) });
      const id = String((parsed.extract as { request?: { id?: string } }).request?.id ?? '');
      const relayState = url.searchParams.get('RelayState') ?? '';
      seen.requests.push({ id, relayState, signed: url.searchParams.has('Signature') });
      const buttons = seen.users
        .map((u, i) => `<button type="submit" name="user" value="${i}">Sign in as ${esc(u.name ?? u.nameId)}</button>`)
        .join('');
      return {
        status: 200,
        type: 'text/html; charset=utf-8',
        body: page(
          `${o.name ?? 'Test identity provider'}: sign in`,
          `<h1>${esc(o.name ?? 'Test identity provider')}</h1><p>Choose who signs in.</p><form method="post" action="/login"><input type="hidden" name="request_id" value="${esc(id)}"><input type="hidden" name="relay_state" value="${esc(relayState)}">${buttons}</form>`,
        ),
      };
    }
    if (req.method === 'POST' && url.pathname === '/login') {
      const form = await formBody(req);
      const user = seen.users[Number(form.get('user'))];
      if (!user) throw new Error('unknown user');
      const samlResponse = await response({ user, inResponseTo: form.get('request_id') ?? '', variant: seen.next.variant, encrypt: seen.next.encrypt });
      return {
        status: 200,
        type: 'text/html; charset=utf-8',
        body: page(
          'Signing you in',
          `<h1>Signing you in…</h1><form method="post" action="${esc(acsOf())}"><input type="hidden" name="SAMLResponse" value="${esc(samlResponse)}"><input type="hidden" name="RelayState" value="${esc(form.get('relay_state') ?? '')}"><noscript><button type="submit">Continue</button></noscript></form><script>document.forms[0].submit()</script>`,
        ),
      };
    }
    return { status: 404, type: 'text/plain', body: 'not found' };
  }

  const seen: SamlIdp = {
    entityId,
    origin,
    metadataUrl: `${origin}/metadata`,
    ssoUrl,
    metadataXml,
    keyPem,
    certPem,
    users: o.users,
    next: { variant: 'good', encrypt: false },
    requests: [],
    trust(spMetadataXml: string) {
      sp = samlify.ServiceProvider({ metadata: spMetadataXml });
      spResponseSignedOnly = samlify.ServiceProvider({ metadata: spMetadataXml.replace(/WantAssertionsSigned="true"/, 'WantAssertionsSigned="false"') });
    },
    response,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return seen;
}

/** customTagReplacement's answer: samlify then signs (and encrypts) this XML. */
function shapedOnce(make: () => { id: string; xml: string }): { id: string; context: string } {
  const { id, xml } = make();
  return { id, context: xml };
}
