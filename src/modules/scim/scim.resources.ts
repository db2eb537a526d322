/**
 * The SCIM resources as they leave the server (RFC 7643 §4.1 User, §4.2 Group), the discovery
 * documents (§5 ServiceProviderConfig, §6 ResourceTypes, §7 Schemas), list responses (RFC 7644
 * §3.4.2), filters (scim2-parse-filter) and PATCH (scim-patch) with the forms Entra ID sends.
 */
import { filter as compileFilter, parse as parseFilter, type Filter } from 'scim2-parse-filter';
import { scimPatch, patchBodyValidation, ScimError, type ScimPatch, type ScimPatchOperation, type ScimResource } from 'scim-patch';
import { scimProblem } from './scim.errors.ts';
import type { ScimGroupRow, ScimUserRow } from './scim.repo.ts';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';
export const MAX_PAGE = 200;

export const etagOf = (version: number) => `W/"${version}"`;

export interface UserView {
  row: ScimUserRow;
  email: string;
  displayName: string;
  groups: { id: string; displayName: string }[];
}

export function toScimUser(base: string, v: UserView) {
  const { row } = v;
  const name = row.given_name !== null || row.family_name !== null
    ? { givenName: row.given_name ?? undefined, familyName: row.family_name ?? undefined, formatted: [row.given_name, row.family_name].filter(Boolean).join(' ') }
    : undefined;
  return {
    schemas: [USER_SCHEMA],
    id: row.user_id,
    ...(row.external_id !== null ? { externalId: row.external_id } : {}),
    userName: row.user_name,
    ...(name ? { name } : {}),
    displayName: v.displayName,
    active: row.active === 1,
    emails: [{ value: v.email, type: 'work', primary: true }],
    groups: v.groups.map((g) => ({ value: g.id, display: g.displayName, $ref: `${base}/Groups/${g.id}` })),
    meta: { resourceType: 'User', created: row.created_at, lastModified: row.updated_at, location: `${base}/Users/${row.user_id}`, version: etagOf(row.version) },
  };
}

export function toScimGroup(base: string, g: ScimGroupRow, members: { id: string; display: string }[]) {
  return {
    schemas: [GROUP_SCHEMA],
    id: g.id,
    ...(g.external_id !== null ? { externalId: g.external_id } : {}),
    displayName: g.display_name,
    members: members.map((m) => ({ value: m.id, display: m.display, $ref: `${base}/Users/${m.id}`, type: 'User' })),
    meta: { resourceType: 'Group', created: g.created_at, lastModified: g.updated_at, location: `${base}/Groups/${g.id}`, version: etagOf(g.version) },
  };
}

/** RFC 7644 §3.4.2.4 paging: startIndex is 1-based, count ≥ 0 (capped). */
export function paging(q: Record<string, unknown>): { start: number; count: number } {
  const num = (v: unknown, name: string, fallback: number) => {
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    if (!Number.isInteger(n)) throw scimProblem.invalidValue(`${name} must be an integer.`);
    return n;
  };
  return { start: Math.max(1, num(q.startIndex, 'startIndex', 1)), count: Math.min(MAX_PAGE, Math.max(0, num(q.count, 'count', 100))) };
}

export function listResponse<T>(all: T[], page: { start: number; count: number }) {
  const Resources = all.slice(page.start - 1, page.start - 1 + page.count);
  return { schemas: [LIST_SCHEMA], totalResults: all.length, startIndex: page.start, itemsPerPage: Resources.length, Resources };
}

/** Attributes compared without regard to case (RFC 7643: userName, emails and displayName are caseExact false). */
const CASELESS = new Set(['username', 'emails.value', 'emails', 'displayname']);

function lowerCaseless(f: Filter): Filter {
  if ('filters' in f) return { ...f, filters: f.filters.map(lowerCaseless) } as Filter;
  if (f.op === 'not') return { ...f, filter: lowerCaseless(f.filter) } as Filter;
  if (f.op === '[]') return f;
  if ('compValue' in f && typeof f.compValue === 'string' && CASELESS.has(f.attrPath.toLowerCase())) return { ...f, compValue: f.compValue.toLowerCase() } as Filter;
  return f;
}

/** A `filter` query parameter as a predicate over SCIM documents; 400 invalidFilter if it does not parse. */
export function filterOf(text: unknown): ((doc: Record<string, unknown>) => boolean) | null {
  if (text === undefined || text === '') return null;
  if (typeof text !== 'string') throw scimProblem.invalidFilter('filter must be one string.');
  let ast: Filter;
  try {
    ast = lowerCaseless(parseFilter(text));
  } catch {
    throw scimProblem.invalidFilter(`The filter ${JSON.stringify(text.slice(0, 200))} is not a SCIM filter (RFC 7644 §3.4.2.2), e.g. userName eq "ada@example.com".`);
  }
  const f = compileFilter(ast);
  return (doc) => f(caselessCopy(doc));
}

function caselessCopy(doc: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...doc };
  if (typeof doc.userName === 'string') out.userName = doc.userName.toLowerCase();
  if (typeof doc.displayName === 'string') out.displayName = doc.displayName.toLowerCase();
  if (Array.isArray(doc.emails)) out.emails = (doc.emails as { value?: string }[]).map((e) => ({ ...e, value: e.value?.toLowerCase() }));
  return out;
}

/** The PATCH body checked (RFC 7644 §3.5.2) and its operations with the op names lower-cased (Entra ID sends "Replace"). */
export function patchOperations(body: unknown): ScimPatchOperation[] {
  const b = body as ScimPatch | null;
  if (b === null || typeof b !== 'object' || !Array.isArray(b.Operations)) throw scimProblem.invalidSyntax('A PATCH body is a PatchOp message: {"schemas":["' + PATCH_SCHEMA + '"],"Operations":[…]}.');
  const ops = b.Operations.map((o) => (o && typeof o === 'object' && typeof o.op === 'string' ? ({ ...o, op: o.op.toLowerCase() } as ScimPatchOperation) : o));
  try {
    patchBodyValidation({ ...b, Operations: ops });
  } catch (e) {
    throw scimProblem.invalidSyntax(`The PATCH operations are not valid: ${e instanceof Error ? e.message : 'unknown reason'}.`);
  }
  return ops;
}

/** Applies the operations to a copy of the document; the library's refusals become SCIM errors with their scimType. */
export function applyPatch<T extends ScimResource>(doc: T, ops: ScimPatchOperation[]): T {
  try {
    return scimPatch(doc, ops, { mutateDocument: false, treatMissingAsAdd: true });
  } catch (e) {
    if (e instanceof ScimError) {
      const type = e.scimCode === 'noTarget' ? 'noTarget' : e.scimCode === 'invalidPath' ? 'invalidPath' : 'invalidValue';
      throw type === 'noTarget' ? scimProblem.noTarget(e.message) : type === 'invalidPath' ? scimProblem.invalidPath(e.message) : scimProblem.invalidValue(e.message);
    }
    throw scimProblem.invalidValue('The PATCH operations cannot be applied to this resource.');
  }
}

/** A boolean as Entra ID sends it in PATCH ("False", "True") or as JSON. */
export function booleanOf(v: unknown, name: string): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  throw scimProblem.invalidValue(`${name} must be true or false.`);
}

// ---- discovery (RFC 7643 §5–7) -----------------------------------------------------------------

export function serviceProviderConfig(base: string, docs: string) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    documentationUri: docs,
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_PAGE },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [{ type: 'oauthbearertoken', name: 'OAuth Bearer Token', description: "The organization's SCIM token, sent as Authorization: Bearer", primary: true }],
    meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
  };
}

export function resourceTypes(base: string) {
  return [
    { schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'], id: 'User', name: 'User', endpoint: '/Users', description: 'A person of the organization', schema: USER_SCHEMA, meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/User` } },
    { schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'], id: 'Group', name: 'Group', endpoint: '/Groups', description: 'A group of people; a group named after a member role gives its members that role', schema: GROUP_SCHEMA, meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/Group` } },
  ];
}

const attr = (name: string, type: string, o: Record<string, unknown> = {}) => ({ name, type, multiValued: false, required: false, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none', ...o });

export function schemas(base: string) {
  return [
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
      id: USER_SCHEMA,
      name: 'User',
      description: 'A person of the organization',
      attributes: [
        attr('userName', 'string', { required: true, uniqueness: 'server' }),
        attr('name', 'complex', { subAttributes: [attr('givenName', 'string'), attr('familyName', 'string'), attr('formatted', 'string')] }),
        attr('displayName', 'string'),
        attr('active', 'boolean'),
        attr('emails', 'complex', { multiValued: true, subAttributes: [attr('value', 'string'), attr('type', 'string'), attr('primary', 'boolean')] }),
        attr('groups', 'complex', { multiValued: true, mutability: 'readOnly', subAttributes: [attr('value', 'string', { mutability: 'readOnly' }), attr('display', 'string', { mutability: 'readOnly' })] }),
      ],
      meta: { resourceType: 'Schema', location: `${base}/Schemas/${USER_SCHEMA}` },
    },
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
      id: GROUP_SCHEMA,
      name: 'Group',
      description: 'A group of people',
      attributes: [
        attr('displayName', 'string', { required: true, uniqueness: 'server' }),
        attr('members', 'complex', { multiValued: true, subAttributes: [attr('value', 'string', { mutability: 'immutable' }), attr('display', 'string')] }),
      ],
      meta: { resourceType: 'Schema', location: `${base}/Schemas/${GROUP_SCHEMA}` },
    },
  ];
}
