/**
 * Errors of SCIM provisioning. The portal's routes (/api) answer problem+json with these codes;
 * the SCIM protocol routes (/scim/v2) answer RFC 7644 §3.12's error schema instead (ScimProblem).
 */
import { defineErrors } from '../../platform/errors/app-error.ts';

export const scimErrors = defineErrors('scim', {
  scim_connection_not_found: { status: 404, title: 'This organization has no SCIM connection' },
});

/** RFC 7644 §3.12 scimType values. */
export type ScimType = 'invalidFilter' | 'tooMany' | 'uniqueness' | 'mutability' | 'invalidSyntax' | 'invalidPath' | 'noTarget' | 'invalidValue' | 'invalidVers' | 'sensitive';

export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** A refusal of a SCIM request, written as RFC 7644 §3.12's error document. */
export class ScimProblem extends Error {
  readonly status: number;
  readonly scimType: ScimType | undefined;
  readonly detail: string;
  readonly headers: Record<string, string>;
  /** a stable snake_case code beside the RFC's members, for a refusal a client acts on (account_conflict) */
  code: string | undefined;
  constructor(status: number, detail: string, scimType?: ScimType, headers: Record<string, string> = {}) {
    super(detail);
    this.status = status;
    this.scimType = scimType;
    this.detail = detail;
    this.headers = headers;
  }
  toJSON() {
    return { schemas: [SCIM_ERROR_SCHEMA], status: String(this.status), ...(this.scimType ? { scimType: this.scimType } : {}), detail: this.detail, ...(this.code ? { code: this.code } : {}) };
  }
}

export const scimProblem = {
  unauthorized: (detail = 'Send Authorization: Bearer <SCIM token> — the token the organization created in Partnergate.') =>
    new ScimProblem(401, detail, undefined, { 'www-authenticate': 'Bearer realm="scim"' }),
  notFound: (what: string) => new ScimProblem(404, `${what} not found.`),
  invalidFilter: (detail: string) => new ScimProblem(400, detail, 'invalidFilter'),
  invalidSyntax: (detail: string) => new ScimProblem(400, detail, 'invalidSyntax'),
  invalidValue: (detail: string) => new ScimProblem(400, detail, 'invalidValue'),
  invalidPath: (detail: string) => new ScimProblem(400, detail, 'invalidPath'),
  noTarget: (detail: string) => new ScimProblem(400, detail, 'noTarget'),
  mutability: (detail: string) => new ScimProblem(400, detail, 'mutability'),
  uniqueness: (detail: string) => new ScimProblem(409, detail, 'uniqueness'),
  /**
   * RFC 7644 §3.12 409 uniqueness: the address is an account of another organization, which this
   * directory neither links nor governs (an account is governed only by the organizations it belongs to).
   */
  accountConflict: () => {
    const p = new ScimProblem(409, 'account_conflict: This e-mail address belongs to an account of another organization; it is linked only once that person is a member here too.', 'uniqueness');
    p.code = 'account_conflict';
    return p;
  },
  preconditionFailed: () => new ScimProblem(412, 'The resource changed since the version in If-Match was read.'),
};
