import { describe, expect, it } from 'vitest';
import { classLimit } from './limits.ts';

describe('classLimit', () => {
  const limits = { default: 100, read: 50, 'ptr_a:read': 7 };
  it.each([
    ['ptr_a', 'read', 7],
    ['ptr_b', 'read', 50],
    [null, 'read', 50],
    ['ptr_a', 'write', 100],
  ] as const)('%s %s → %i', (partner, cls, n) => {
    expect(classLimit(limits, partner, cls)).toBe(n);
  });
  it('is 300 when nothing is configured', () => {
    expect(classLimit({}, 'ptr_a', 'export')).toBe(300);
  });
});
