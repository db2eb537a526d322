import { describe, expect, it } from 'vitest';
import { canonicalEmail } from './email-address.ts';

describe('one spelling of an e-mail address', () => {
  it('case, surrounding space, a trailing dot and an international domain name all read as one address', () => {
    for (const v of ['ann@contoso.com', 'Ann@Contoso.COM', ' ann@contoso.com ', 'ann@contoso.com.', 'ANN@CONTOSO.COM.']) expect(canonicalEmail(v)).toBe('ann@contoso.com');
    expect(canonicalEmail('jörg@bücher.de')).toBe('jörg@xn--bcher-kva.de');
    expect(canonicalEmail('ann@xn--bcher-kva.de')).toBe('ann@xn--bcher-kva.de');
  });

  it('what is not one address is nobody’s', () => {
    for (const v of ['a@b@contoso.com', '@contoso.com', 'ann@', 'ann', 'ann@contoso', 'an n@contoso.com', 'ann@conto so.com', 'ann@contoso..com', 'ann@.com', `ann\u0000@contoso.com`, '']) {
      expect(canonicalEmail(v), v).toBeNull();
    }
  });
});
