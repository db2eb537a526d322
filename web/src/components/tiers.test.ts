import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createIntl } from 'react-intl';
import { setFormatIntl } from './format.ts';
import { tierLabel } from './tiers.ts';

const catalog = (l: string) => JSON.parse(readFileSync(new URL(`../i18n/messages/${l}.json`, import.meta.url), 'utf8')) as Record<string, string>;
const speak = (locale: string) => setFormatIntl(createIntl({ locale, defaultLocale: 'en', messages: locale === 'en' ? {} : catalog(locale) }));

describe('tierLabel', () => {
  afterEach(() => speak('en'));
  it.each([
    ['en', 'standard', 'Standard'],
    ['fr', 'business', 'Professionnel'],
    ['fr', 'enterprise', 'Grand compte'],
    ['de', 'wholesale', 'Großhandel'],
    // a tier an operator typed is theirs, as written
    ['fr', 'gold', 'gold'],
    ['de', null, '—'],
  ])('in %s, %s reads %s', (locale, tier, want) => {
    speak(locale);
    expect(tierLabel(tier)).toBe(want);
  });
});
