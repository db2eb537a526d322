import { describe, expect, it } from 'vitest';
import { labelLines } from './CategoryTick.tsx';

describe('labelLines', () => {
  it.each([
    // fits: one line
    ['Délégué', 140, ['Délégué']],
    // a long French capability wraps at its words within a bar 98 px wide (14 characters)
    ['Services managés', 98, ['Services', 'managés']],
    ['Programme de recommandation', 98, ['Programme de', 'recommandation']],
    // a word wider than the bar is shortened, the full name staying in the title
    ['Großhandelspartnerschaft', 70, ['Großhande…']],
    // more than three lines: the third says the name goes on
    ['un deux trois quatre cinq six', 42, ['un', 'deux', 'trois…']],
  ])('%s in %i px', (text, width, want) => {
    expect(labelLines(text, width)).toEqual(want);
  });
});
