/**
 * Our service provider's key pair for one SAML connection: the identity provider encrypts its
 * assertions to the certificate (published in our SP metadata, `<KeyDescriptor use="encryption">`),
 * and only we can read them. SAML metadata carries keys as X.509 certificates (SAML metadata §2.4.1.1,
 * XML-DSig `<X509Data>`), and the identity providers customers use (Entra ID, Okta, ADFS) only accept
 * a certificate, so we make a self-signed one: nobody checks its chain, the certificate is just the
 * envelope of the public key that the customer's IT imports along with the rest of the metadata.
 *
 * Node's crypto makes and signs keys but has no certificate builder, and no certificate library is a
 * declared dependency, so the few DER structures of RFC 5280 §4.1 are written out here. The result is
 * checked by Node's own X509Certificate parser (sp-credentials.test.ts): it parses, names the subject,
 * and its signature verifies with its own public key.
 *
 * Like the OAuth signing keys, the private key is stored encrypted under the master secret
 * (encryptWithSecret) by whoever keeps the connection.
 */
import { createPrivateKey, createPublicKey, generateKeyPair, randomBytes, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

const generateKeyPairAsync = promisify(generateKeyPair);

export interface SpCredentials {
  /** PKCS#8 PEM: decrypts the assertions sent to this connection. Keep encrypted at rest. */
  privateKeyPem: string;
  /** The self-signed certificate carrying the public key, PEM. */
  certificatePem: string;
}

/** How long a new certificate is valid: identity providers warn about, and some refuse, expired ones. */
export const SP_CERTIFICATE_DAYS = 10 * 365;

/** A fresh RSA-2048 key pair (RSA: the key-transport algorithms of XML Encryption are RSA) and its certificate. */
export async function newSpCredentials(commonName: string, now: Date, days = SP_CERTIFICATE_DAYS): Promise<SpCredentials> {
  const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
  const certificatePem = selfSignedCertificate(privateKey, commonName, now, new Date(now.getTime() + days * 86_400_000));
  return { privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), certificatePem };
}

/** A self-signed X.509 v3 certificate (RFC 5280 §4.1) for an RSA private key, signed with SHA-256. */
export function selfSignedCertificate(key: KeyObject | string, commonName: string, notBefore: Date, notAfter: Date): string {
  const privateKey = typeof key === 'string' ? createPrivateKey(key) : key;
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const name = seq(set(seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(commonName, 'utf8')))));
  const algorithm = seq(oid('1.2.840.113549.1.1.11'), tlv(0x05, Buffer.alloc(0))); // sha256WithRSAEncryption, NULL parameters
  const serial = randomBytes(16);
  serial[0] &= 0x7f; // a positive INTEGER (RFC 5280 §4.1.2.2)
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))), // [0] EXPLICIT version v3
    integer(serial),
    algorithm,
    name,
    seq(time(notBefore), time(notAfter)),
    name,
    spki,
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = seq(tbs, algorithm, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** The base64 body of a PEM certificate, as metadata's `<X509Certificate>` holds it. */
export function certificateBody(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}

// DER (X.690 §8) for the handful of types a certificate uses.
function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), length(content.length), content]);
}
function seq(...parts: Buffer[]): Buffer {
  return tlv(0x30, Buffer.concat(parts));
}
function set(...parts: Buffer[]): Buffer {
  return tlv(0x31, Buffer.concat(parts));
}
function integer(unsigned: Buffer): Buffer {
  let i = 0;
  while (i < unsigned.length - 1 && unsigned[i] === 0 && unsigned[i + 1] < 0x80) i++;
  const v = unsigned.subarray(i);
  return tlv(0x02, v[0] >= 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}
function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [40 * a + b];
  for (const n of rest) {
    const group = [n & 0x7f];
    for (let v = n >>> 7; v > 0; v >>>= 7) group.unshift(0x80 | (v & 0x7f));
    out.push(...group);
  }
  return tlv(0x06, Buffer.from(out));
}
/** UTCTime until 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5). */
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z'; // YYYYMMDDHHMMSSZ
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2), 'ascii')) : tlv(0x18, Buffer.from(iso, 'ascii'));
}
