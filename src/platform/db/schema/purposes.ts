/** Row shapes of the purpose catalog and the gateway routes' required purposes (modules/purposes), migration 0042. */

export interface PurposesTable {
  /** a stable catalog id, e.g. billing_management (what tokens carry in their `purpose` claim) */
  id: string;
  name: string;
  description: string;
  status: 'active' | 'retired';
  /** 1: seeded with the platform */
  built_in: number;
  /** the W3C DPV purpose term it answers to in CAMARA's `dpv:<Purpose>#<scope>` scopes (migration 0126); null: none */
  dpv: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface GatewayRoutePurposesTable {
  /** "METHOD /pattern", e.g. "GET /resources/v1/invoices" */
  route: string;
  purpose_id: string;
  updated_by: string | null;
  updated_at: string;
}
