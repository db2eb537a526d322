/** NIST SP 800-63B: length over composition rules; reject the obvious. */
import { hashPassword } from '../../platform/crypto.ts';
import { identityErrors as E } from './identity.errors.ts';

const COMMON = new Set(['password', 'password1', 'password123', '1234567890', 'qwertyuiop', 'letmein123', 'partnergate']);

export function passwordProblem(password: string, email?: string): string | null {
  if (password.length < 10) return 'must be at least 10 characters';
  if (password.length > 200) return 'must be at most 200 characters';
  if (COMMON.has(password.toLowerCase())) return 'is too common';
  if (email && password.toLowerCase() === email.toLowerCase()) return 'must not be your email address';
  return null;
}

/** Hashing (scrypt at the configured cost) and the policy check, for every part that sets a password. */
export class Passwords {
  readonly #scryptCost: number;
  constructor(scryptCost: number) {
    this.#scryptCost = scryptCost;
  }

  hash(password: string): Promise<string> {
    return hashPassword(password, this.#scryptCost);
  }

  /** `pointer` names the body field that carried the password, for the per-field error. */
  check(password: string, email?: string, pointer = '/body/password'): void {
    const problem = passwordProblem(password, email);
    if (problem) throw E.password_too_weak(`The password ${problem}.`, { fields: [{ pointer, detail: problem }] });
  }
}
