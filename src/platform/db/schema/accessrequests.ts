/** Row shapes of access templates, access requests, their approvals and the tenants' approval policies (modules/accessrequests), migration 0041. */

export type AccessTemplateStatus = 'active' | 'archived';
export type AccessRequestStatus = 'pending' | 'approved' | 'rejected' | 'expired' | 'withdrawn';

export interface AccessTemplatesTable {
  id: string;
  /** null: the operator's template, offered to every partner */
  partner_id: string | null;
  name: string;
  description: string;
  role: string;
  /** JSON array of permission grants on top of the role */
  grants: string;
  max_days: number;
  default_days: number;
  status: AccessTemplateStatus;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface AccessRequestsTable {
  id: string;
  tenant_id: string;
  partner_id: string;
  template_id: string;
  template_name: string;
  role: string;
  grants: string;
  /** JSON array of billing account ids, or null for all of the tenant's */
  ban_ids: string | null;
  /** JSON array of their account numbers (what the partner may read back), or null */
  ban_numbers: string | null;
  duration_days: number;
  justification: string;
  status: AccessRequestStatus;
  approvals_required: number;
  requested_by: string;
  requested_at: string;
  expires_at: string;
  /** when approvers are reminded (null: no reminder) */
  remind_at: string | null;
  reminded_at: string | null;
  decided_by: string | null;
  decided_at: string | null;
  decision_reason: string | null;
  delegation_id: string | null;
  updated_at: string;
}

export interface AccessRequestApprovalsTable {
  request_id: string;
  tenant_id: string;
  user_id: string;
  approved_at: string;
}

export interface AccessApprovalPoliciesTable {
  tenant_id: string;
  approvals_required: number;
  /** JSON array of delegation role ids */
  high_risk_roles: string;
  expiry_days: number;
  reminder_days: number;
  updated_by: string | null;
  updated_at: string;
}
