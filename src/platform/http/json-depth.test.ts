/** The linear nesting scan that runs before any JSON body is parsed. */
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, jsonDepthExceeds } from './json-depth.ts';

const arrays = (n: number) => '['.repeat(n) + ']'.repeat(n);
const objects = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

describe('jsonDepthExceeds', () => {
  it.each([
    ['64 nested arrays', arrays(64), false],
    ['65 nested arrays', arrays(65), true],
    ['64 nested objects', objects(64), false],
    ['65 nested objects', objects(65), true],
    ['50 000 nested arrays', arrays(50_000), true],
    ['an unclosed deep array (malformed, refused by depth first)', '['.repeat(100), true],
    ['mixed arrays and objects, 65 levels', '[{"a":'.repeat(32) + '[1]' + '}]'.repeat(32), true],
    ['mixed arrays and objects, 64 levels', '[{"a":'.repeat(32) + '1' + '}]'.repeat(32), false],
    ['brackets inside a string do not count', JSON.stringify({ note: '['.repeat(1000) + '{'.repeat(1000) }), false],
    ['an escaped quote does not end the string', JSON.stringify({ note: '"' + '['.repeat(1000) }), false],
    ['an escaped backslash before the closing quote does', '{"a":"\\\\",' + '"b":' + arrays(65) + '}', true],
    ['many siblings are not depth', JSON.stringify({ list: Array.from({ length: 10_000 }, () => [[{}]]) }), false],
    ['a short text', '[[1]]', false],
    ['an empty text', '', false],
  ])('%s → %s', (_name, text, expected) => {
    expect(jsonDepthExceeds(text)).toBe(expected);
  });

  it('counts closers back down: deep-but-sequential structures are fine', () => {
    expect(jsonDepthExceeds('[' + Array.from({ length: 100 }, () => arrays(MAX_JSON_DEPTH - 1)).join(',') + ']')).toBe(false);
  });

  it('takes a custom limit', () => {
    expect(jsonDepthExceeds(arrays(3), 2)).toBe(true);
    expect(jsonDepthExceeds(arrays(2), 2)).toBe(false);
  });
});
