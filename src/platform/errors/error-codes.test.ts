/** Error codes are stable API: snake_case, each declared by exactly one module. */
import { describe, expect, it } from 'vitest';
import { declaredErrorCodes, defineErrors, DuplicateErrorCode } from './app-error.ts';
import '../../app/build-app.ts'; // registers every module's codes

describe('error codes', () => {
  it('are snake_case with a status and a title', () => {
    const codes = declaredErrorCodes();
    expect(codes.size).toBeGreaterThan(30);
    for (const [code, spec] of codes) {
      expect(code).toMatch(/^[a-z]+(_[a-z0-9]+)*$/);
      expect(spec.status).toBeGreaterThanOrEqual(400);
      expect(spec.title.length).toBeGreaterThan(3);
    }
  });

  it('cannot be claimed by a second module', () => {
    expect(() => defineErrors('someone-else', { tenant_not_found: { status: 404, title: 'x' } })).toThrow(DuplicateErrorCode);
  });
});
