/**
 * The pure rules of access requests: the default approval policy, how many approvers a request
 * needs, when it expires and when approvers are reminded, and the request read as a sentence.
 * No database and no clock of their own: everything comes in as arguments.
 */

export const DAY_MS = 86_400_000;

export interface ApprovalPolicy {
  /** approvers every request needs: 1 or 2 */
  approvals_required: 1 | 2;
  /** delegation roles whose requests need two approvers whatever approvals_required says */
  high_risk_roles: string[];
  /** days a request waits for an answer before it expires */
  expiry_days: number;
  /** days before expiry the approvers still to answer are reminded (0: no reminder) */
  reminder_days: number;
}

/** A tenant without a policy of its own: one approver, full access counts as high risk, 7 days, reminded a day before. */
export const DEFAULT_POLICY: ApprovalPolicy = Object.freeze({ approvals_required: 1, high_risk_roles: ['MSP_FULL'], expiry_days: 7, reminder_days: 1 }) as ApprovalPolicy;

export const MAX_EXPIRY_DAYS = 30;

/** How many approvers a request for this role needs under the policy. */
export function approvalsRequired(policy: ApprovalPolicy, role: string): 1 | 2 {
  return policy.approvals_required === 2 || policy.high_risk_roles.includes(role) ? 2 : 1;
}

/** When a request made now expires, and when its approvers are reminded (null: never). */
export function requestTimes(policy: ApprovalPolicy, now: Date): { expiresAt: string; remindAt: string | null } {
  const expires = now.getTime() + policy.expiry_days * DAY_MS;
  const remind = policy.reminder_days > 0 && policy.reminder_days < policy.expiry_days ? expires - policy.reminder_days * DAY_MS : null;
  return { expiresAt: new Date(expires).toISOString(), remindAt: remind === null ? null : new Date(remind).toISOString() };
}

/** "a, b and c" */
export function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** A permission's catalog description as the words after "asks to": "Read invoices" → "read invoices". */
export function permissionPhrase(description: string): string {
  return description.charAt(0).toLowerCase() + description.slice(1).replace(/\.$/, '');
}

/** "on BAN 1002", "on BANs 1001 and 1002", "on all billing accounts" */
export function bansPhrase(accountNumbers: readonly string[] | null): string {
  if (accountNumbers === null) return 'on all billing accounts';
  return `on BAN${accountNumbers.length === 1 ? '' : 's'} ${listWords(accountNumbers)}`;
}

const SHOWN_PERMISSIONS = 5;

/**
 * The request as a person reads it: "Acme Support asks to read invoices and open support tickets
 * on BAN 1002 for 30 days because …". Long permission lists are cut after five ("and 7 more").
 */
export function requestSentence(r: { partnerName: string; phrases: readonly string[]; accountNumbers: readonly string[] | null; days: number; justification: string }): string {
  const shown = r.phrases.slice(0, SHOWN_PERMISSIONS);
  const more = r.phrases.length - shown.length;
  const what = r.phrases.length === 0 ? 'have the access its template names' : listWords(more > 0 ? [...shown, `${more} more`] : shown);
  const because = r.justification.trim().replace(/[.\s]+$/, '');
  return `${r.partnerName} asks to ${what} ${bansPhrase(r.accountNumbers)} for ${r.days} day${r.days === 1 ? '' : 's'} because ${because.charAt(0).toLowerCase()}${because.slice(1)}.`;
}
