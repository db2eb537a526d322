/**
 * The purpose rule (purpose-bound consent, the CAMARA model): whether an access to a customer
 * holds a purpose. One function, asked by the gateway's purpose step for every request to a route
 * that serves a purpose, and by AuthZEN when a policy enforcement point names the purpose of the
 * call it asks about (`context.purpose`), so the two cannot disagree.
 *
 *   claim     the purposes the caller's token carries (a partner app's token, an MSP member's app
 *             token); null: a caller whose access alone decides (a session, a personal API token,
 *             a partner named as AuthZEN's subject)
 *   access    the delegation the decision admitted the caller through; null: none (a route of no
 *             tenant)
 *
 *   the token does not carry the purpose, or the access was never granted it    purpose_required
 *   the token carries it, the customer withdrew it from the access since        purpose_revoked
 */
export type PurposeRefusal = 'purpose_required' | 'purpose_revoked';

export function purposeRefusal(purpose: string, claim: readonly string[] | null, access: string | null, heldBy: (delegationId: string) => readonly string[]): PurposeRefusal | null {
  if (claim !== null && !claim.includes(purpose)) return 'purpose_required';
  if (access !== null) {
    if (heldBy(access).includes(purpose)) return null;
    return claim !== null ? 'purpose_revoked' : 'purpose_required';
  }
  return claim !== null ? null : 'purpose_required';
}
