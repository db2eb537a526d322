import { describe, expect, it } from 'vitest';
import { normalizeDomain } from './domain-name.ts';

describe('normalizeDomain', () => {
  it.each([
    ['Example.COM', 'example.com'],
    ['  example.com.  ', 'example.com'],
    ['mail.example.co.uk', 'mail.example.co.uk'],
    ['bücher.de', 'xn--bcher-kva.de'],
    ['BÜCHER.de', 'xn--bcher-kva.de'],
    ['someone.github.io', 'someone.github.io'],
  ])('%s → %s', (input, out) => {
    expect(normalizeDomain(input)).toEqual({ ok: true, domain: out });
  });

  it.each([
    ['', 'domain_invalid'],
    ['127.0.0.1', 'domain_invalid'],
    ['[::1]', 'domain_invalid'],
    ['2001:db8::1', 'domain_invalid'],
    ['localhost', 'domain_invalid'],
    ['intranet', 'domain_invalid'],
    ['printer.local', 'domain_invalid'],
    ['foo.localhost', 'domain_invalid'],
    ['https://example.com', 'domain_invalid'],
    ['someone@example.com', 'domain_invalid'],
    ['exa mple.com', 'domain_invalid'],
    ['-bad.example.com', 'domain_invalid'],
    ['under_score.example.com', 'domain_invalid'],
    [`${'a'.repeat(64)}.com`, 'domain_invalid'],
    [`${'abcdefghi.'.repeat(26)}com`, 'domain_invalid'],
    ['example.notatld', 'domain_invalid'],
    ['com', 'domain_public_suffix'],
    ['co.uk', 'domain_public_suffix'],
    ['github.io', 'domain_public_suffix'],
  ])('%s is refused (%s)', (input, code) => {
    const v = normalizeDomain(input);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.code).toBe(code);
  });
});
