/**
 * CAMARA's purpose-bound scopes (Security and Interoperability Profile): an app asks for an API's
 * scope *for a purpose* in one scope value, `dpv:<Purpose>#<api-scope>` — the purpose a W3C Data
 * Privacy Vocabulary term (`dpv:FraudPreventionAndDetection#sim-swap`).
 *
 * The library passes scope values it does not know through untouched, so before it goes further
 * each such value is split: the DPV term becomes the catalog purpose that answers to it (the
 * purpose's `dpv`, modules/purposes), added to the request's `purpose`; the api-scope stays in
 * `scope` as the plain scope, under the same rules as one asked for plainly (the client's
 * registered scopes). A DPV term no active purpose answers to is `invalid_scope`, with a sentence.
 * The consent screen, the CIBA request and the consent then see plain scopes and catalog purposes.
 *
 * Runs as the library's validator of the `purpose` parameter (`extraParams`), which the
 * authorization, pushed authorization and backchannel endpoints call after their scope check
 * and before the request is kept; the JWT bearer grant calls `splitPurposeScopes` itself.
 */
import { errors, type KoaContextWithOIDC } from 'oidc-provider';

const DPV_SCOPE = /^dpv:([A-Za-z][A-Za-z0-9]{0,79})(?:#(.+))?$/;

/** The catalog purpose (its id) that answers to a DPV term, when active. */
export type PurposeByDpv = (term: string) => { id: string } | undefined;

export interface SplitScopes {
  /** the plain scopes (the api-scopes of purpose-bound values and the ones asked for plainly) */
  scopes: string[];
  /** the catalog purposes the purpose-bound values named */
  purposes: string[];
}

/** Split `dpv:<Purpose>#<scope>` values into plain scopes and catalog purposes; invalid_scope for an unknown purpose. */
export function splitPurposeScopes(scope: string | undefined, byDpv: PurposeByDpv, allowed?: ReadonlySet<string>): SplitScopes {
  const scopes: string[] = [];
  const purposes: string[] = [];
  for (const value of (scope ?? '').split(' ').filter(Boolean)) {
    if (!value.startsWith('dpv:')) {
      scopes.push(value);
      continue;
    }
    const m = DPV_SCOPE.exec(value);
    if (!m) throw new errors.InvalidScope(`${value} is not a purpose-bound scope: write dpv:<Purpose>#<scope>, e.g. dpv:FraudPreventionAndDetection#sim-swap.`, value);
    const purpose = byDpv(m[1]);
    if (!purpose) throw new errors.InvalidScope(`This service knows no purpose ${m[1]}: ask for a purpose its catalog offers (the purposes listed in the integration guide).`, value);
    if (m[2] !== undefined && allowed && !allowed.has(m[2])) throw new errors.InvalidScope('requested scope is not allowed', m[2]);
    purposes.push(purpose.id);
    if (m[2] !== undefined) scopes.push(m[2]);
  }
  return { scopes: [...new Set(scopes)], purposes: [...new Set(purposes)] };
}

/** The library's validator of `purpose` (extraParams): rewrites the request's scope and purpose in place. */
export function purposeScopeValidator(byDpv: PurposeByDpv) {
  return async (ctx: KoaContextWithOIDC, _value: string | undefined, client: { scope?: string } | undefined): Promise<void> => {
    const params = ctx.oidc.params as Record<string, unknown> | undefined;
    if (!params || typeof params.scope !== 'string' || !params.scope.includes('dpv:')) return;
    const allowed = client?.scope ? new Set(client.scope.split(' ')) : undefined;
    const split = splitPurposeScopes(params.scope, byDpv, allowed);
    params.scope = split.scopes.length > 0 ? split.scopes.join(' ') : undefined;
    const asked = typeof params.purpose === 'string' ? params.purpose.split(' ').filter(Boolean) : [];
    params.purpose = [...new Set([...asked, ...split.purposes])].join(' ');
  };
}
