import { describe, expect, it } from 'vitest';
import { pageOf, takePage } from './pagination.ts';

const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `r${i}` }));

describe('takePage', () => {
  it.each([
    [0, 2, [], null],
    [2, 2, ['r0', 'r1'], null],
    [3, 2, ['r0', 'r1'], 'r1'],
  ] as const)('%i rows read for a limit of %i', (n, limit, ids, next) => {
    const p = takePage(rows(n), limit, (r) => r.id);
    expect(p.rows.map((r) => r.id)).toEqual(ids);
    expect(p.nextCursor).toBe(next);
  });
});

describe('pageOf', () => {
  it('maps the kept rows and reads the cursor from the last DTO', () => {
    expect(pageOf(rows(3), 2, (r) => ({ id: r.id.toUpperCase() }))).toEqual({ data: [{ id: 'R0' }, { id: 'R1' }], next_cursor: 'R1' });
    expect(pageOf(rows(1), 2, (r) => ({ key: r.id }), (d) => d.key)).toEqual({ data: [{ key: 'r0' }], next_cursor: null });
  });
});
