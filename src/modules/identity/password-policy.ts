/** NIST SP 800-63B: length over composition rules; reject the obvious. */
const COMMON = new Set(['password', 'password1', 'password123', '1234567890', 'qwertyuiop', 'letmein123', 'partnergate']);

export function passwordProblem(password: string, email?: string): string | null {
  if (password.length < 10) return 'must be at least 10 characters';
  if (password.length > 200) return 'must be at most 200 characters';
  if (COMMON.has(password.toLowerCase())) return 'is too common';
  if (email && password.toLowerCase() === email.toLowerCase()) return 'must not be your email address';
  return null;
}
