/**
 * What counts as a domain an organization can prove it owns: a registrable name or a name under
 * one, in lower-case IDNA (punycode) form — never an IP address, a single label (`localhost`), a
 * name under a special-use top-level domain, or a public suffix (`com`, `co.uk`, `github.io`)
 * that many unrelated owners share. The public suffix list is tldts's. Pure.
 */
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { parse } from 'tldts';

export type DomainVerdict = { ok: true; domain: string } | { ok: false; code: 'domain_invalid' | 'domain_public_suffix'; reason: string };

/** RFC 1035 §2.3.4: 253 characters in text form, 63 a label. */
const MAX_NAME = 253;
const MAX_LABEL = 63;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
/** RFC 6761 and friends: names no public DNS answers for */
const SPECIAL_USE = new Set(['localhost', 'local', 'invalid', 'internal', 'arpa', 'onion', 'home', 'lan', 'corp']);

export function normalizeDomain(input: string): DomainVerdict {
  const bad = (reason: string): DomainVerdict => ({ ok: false, code: 'domain_invalid', reason });
  const raw = input.trim().replace(/\.$/, '');
  if (raw === '') return bad('Enter a domain, such as example.com.');
  const unbracketed = raw.replace(/^\[(.*)\]$/, '$1');
  if (isIP(unbracketed)) return bad(`${raw} is an IP address; enter a domain name, such as example.com.`);
  if (/[\s/@:?#]/.test(raw)) return bad('Enter the domain alone, such as example.com, without a scheme, path, port or e-mail name.');
  const ascii = domainToASCII(raw.toLowerCase());
  if (ascii === '') return bad(`${raw} is not a valid domain name.`);
  if (ascii.length > MAX_NAME) return bad(`A domain name has at most ${MAX_NAME} characters; this one has ${ascii.length}.`);
  const labels = ascii.split('.');
  if (labels.some((l) => l.length > MAX_LABEL)) return bad(`Each part of a domain name between dots has at most ${MAX_LABEL} characters.`);
  if (!labels.every((l) => LABEL.test(l))) return bad(`${raw} is not a valid domain name: use letters, digits and dashes between the dots.`);
  const p = parse(ascii, { allowPrivateDomains: true });
  const suffix = (): DomainVerdict => ({ ok: false, code: 'domain_public_suffix', reason: `${raw} is a public suffix shared by many owners; enter your own domain under it, such as example.${ascii}.` });
  if (labels.length < 2) return p.isIcann && p.publicSuffix === ascii ? suffix() : bad(`${raw} is a single name, not a domain; enter a domain such as example.com.`);
  if (/^\d+$/.test(labels[labels.length - 1])) return bad(`${raw} is not a valid domain name.`);
  if (SPECIAL_USE.has(labels[labels.length - 1])) return bad(`Names under .${labels[labels.length - 1]} are not in the public DNS, so they cannot be verified.`);
  if (p.isIp) return bad(`${raw} is an IP address; enter a domain name, such as example.com.`);
  if (!p.isIcann && !p.isPrivate) return bad(`${raw} does not end in a known top-level domain.`);
  if (p.domain === null || p.publicSuffix === ascii) return suffix();
  return { ok: true, domain: ascii };
}
