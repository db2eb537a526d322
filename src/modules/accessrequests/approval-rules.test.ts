import { describe, expect, it } from 'vitest';
import { approvalsRequired, bansPhrase, DEFAULT_POLICY, permissionPhrase, requestSentence, requestTimes } from './approval-rules.ts';

describe('approval rules', () => {
  it.each([
    [{ ...DEFAULT_POLICY, approvals_required: 1 as const, high_risk_roles: [] }, 'MSP_FULL', 1],
    [{ ...DEFAULT_POLICY, approvals_required: 1 as const, high_risk_roles: ['MSP_FULL'] }, 'MSP_FULL', 2],
    [{ ...DEFAULT_POLICY, approvals_required: 1 as const, high_risk_roles: ['MSP_FULL'] }, 'MSP_SUPPORT', 1],
    [{ ...DEFAULT_POLICY, approvals_required: 2 as const, high_risk_roles: [] }, 'AUDITOR', 2],
  ])('approvals required %#', (policy, role, n) => {
    expect(approvalsRequired(policy, role)).toBe(n);
  });

  it('a request expires after the policy days and is reminded before, never at or after expiry', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(requestTimes({ ...DEFAULT_POLICY, expiry_days: 7, reminder_days: 1 }, now)).toEqual({ expiresAt: '2026-01-08T00:00:00.000Z', remindAt: '2026-01-07T00:00:00.000Z' });
    expect(requestTimes({ ...DEFAULT_POLICY, expiry_days: 2, reminder_days: 0 }, now).remindAt).toBeNull();
    expect(requestTimes({ ...DEFAULT_POLICY, expiry_days: 2, reminder_days: 2 }, now).remindAt).toBeNull();
  });

  it('reads the request as a sentence', () => {
    expect(permissionPhrase('Read invoices')).toBe('read invoices');
    expect(bansPhrase(null)).toBe('on all billing accounts');
    expect(bansPhrase(['1001', '1002'])).toBe('on BANs 1001 and 1002');
    expect(requestSentence({ partnerName: 'Acme Support', phrases: ['view invoices', 'open tickets'], accountNumbers: ['1002'], days: 30, justification: 'We handle their billing disputes.' })).toBe(
      'Acme Support asks to view invoices and open tickets on BAN 1002 for 30 days because we handle their billing disputes.',
    );
    const many = requestSentence({ partnerName: 'P', phrases: ['a', 'b', 'c', 'd', 'e', 'f', 'g'], accountNumbers: null, days: 1, justification: 'x' });
    expect(many).toBe('P asks to a, b, c, d, e and 2 more on all billing accounts for 1 day because x.');
  });
});
