import { describe, expect, it } from 'vitest';
import { sameHtu } from './dpop.ts';

// RFC 9449 §4.3: a proof's htu names the request's URL; query and fragment are ignored, and the
// scheme and host are compared after RFC 3986 §6.2.2–6.2.3 normalization.
const cases: [htu: string, actual: string, same: boolean][] = [
  ['https://api.example.com/resources/v1/orders', 'https://api.example.com/resources/v1/orders', true],
  ['https://api.example.com/resources/v1/orders?limit=2#top', 'https://api.example.com/resources/v1/orders', true],
  ['https://api.example.com:8443/resources/v1/orders', 'https://api.example.com:8443/resources/v1/orders', true],
  // a default port written out, and the case of scheme and host
  ['https://api.example.com:443/resources/v1/orders', 'https://api.example.com/resources/v1/orders', true],
  ['https://api.example.com/resources/v1/orders', 'https://api.example.com:443/resources/v1/orders', true],
  ['HTTPS://API.Example.com/resources/v1/orders', 'https://api.example.com/resources/v1/orders', true],
  ['http://127.0.0.1:80/x', 'http://127.0.0.1/x', true],
  // another port, scheme, host or path is another URL
  ['https://api.example.com:8444/resources/v1/orders', 'https://api.example.com:8443/resources/v1/orders', false],
  ['https://api.example.com/resources/v1/orders', 'https://api.example.com:8443/resources/v1/orders', false],
  ['http://api.example.com:443/resources/v1/orders', 'https://api.example.com/resources/v1/orders', false],
  ['https://api.example.com:80/resources/v1/orders', 'https://api.example.com/resources/v1/orders', false],
  ['https://api.example.org/resources/v1/orders', 'https://api.example.com/resources/v1/orders', false],
  ['https://api.example.com/resources/v1/ORDERS', 'https://api.example.com/resources/v1/orders', false],
  ['https://api.example.com:443/resources/v1/x/../orders', 'https://api.example.com/resources/v1/orders', false],
  ['not a url', 'https://api.example.com/resources/v1/orders', false],
  ['', 'https://api.example.com/resources/v1/orders', false],
];

describe('sameHtu', () => {
  it.each(cases)('%s names %s: %s', (htu, actual, same) => {
    expect(sameHtu(htu, actual)).toBe(same);
  });
});
