/**
 * One spelling of an e-mail address, used before every lookup and every write of one: the whole address in lower
 * case, the domain without its trailing dot (`contoso.com.` is `contoso.com` in DNS) and in its ASCII (IDNA) form,
 * exactly one `@` with something on either side, no space or control character. So `Ann@Contoso.COM.` and
 * `ann@contoso.com` are one person, and `a@b@contoso.com` is nobody's address.
 */
import { domainToASCII } from 'node:url';

/** The canonical form of `raw`, or null when it is not an e-mail address. */
export function canonicalEmail(raw: string): string | null {
  const v = raw.trim();
  const at = v.indexOf('@');
  if (at < 1 || at !== v.lastIndexOf('@') || v.length > 320) return null;
  const local = v.slice(0, at).toLowerCase();
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return null;
  }
  const domain = domainToASCII(v.slice(at + 1).replace(/\.$/, '')).toLowerCase();
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain) || domain.split('.').some((label) => label.length === 0 || label.length > 63)) return null;
  return `${local}@${domain}`;
}

/** For lookups: the canonical form, or the input trimmed and in lower case when it is no address (it then finds nothing). */
export function emailForLookup(raw: string): string {
  return canonicalEmail(raw) ?? raw.trim().toLowerCase();
}
