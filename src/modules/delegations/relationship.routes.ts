/**
 * A link's relationship details (contract reference, contacts, notes), read and changed from both
 * sides: the partner's routes under /api/v1/partners/:partner_id/delegations/:delegation_id/relationship
 * and the tenant's under /api/v1/tenants/:tenant_id/delegations/:delegation_id/relationship. Which side
 * edited comes from the route, never the payload. Mounted by delegationRoutes on its two routers.
 */
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { problems } from '../../platform/http/schemas.ts';
import type { Access } from '../authz/index.ts';
import type { DelegationsService } from './delegations.service.ts';
import type { Relationship } from './relationship.ts';
import * as S from './delegations.schemas.ts';

const TAGS = ['delegations'];

/** The wire shape of a link's relationship details: who last changed them by name and side, never by id. */
function relationshipDto(r: Relationship) {
  return { delegation_id: r.delegation_id, contract_reference: r.contract_reference, contacts: r.contacts, notes: r.notes, version: r.version, updated_at: r.updated_at, updated_by_name: r.updated_by_name, updated_by_side: r.updated_by_side };
}

export function relationshipRoutes(d: { delegations: DelegationsService; access: Access }): Pick<AudienceRoutes, 'partner' | 'tenant'> {
  const { delegations, access } = d;
  return {
    partner(app: App): void {
      app.get(
        '/api/v1/partners/:partner_id/delegations/:delegation_id/relationship',
        { schema: { tags: TAGS, summary: "The link's relationship details: contract reference, contacts, notes", params: S.PartnerDelegationParams, response: { 200: S.RelationshipDto, ...problems(400, 401, 403, 404) } } },
        async (req) => {
          access.partner(req, req.params.partner_id, 'partner.customers.read', { allowInactivePartner: true });
          await delegations.get(req.params.delegation_id, { partnerId: req.params.partner_id });
          return relationshipDto(await delegations.relationship(req.params.delegation_id));
        },
      );

      app.put(
        '/api/v1/partners/:partner_id/delegations/:delegation_id/relationship',
        {
          schema: {
            tags: TAGS,
            summary: "Change the link's relationship details (partner owner); the customer's admin may change them too",
            description: 'A contact needs a name and a valid e-mail address or phone number (400 relationship_contact_invalid); an edit of an older version is 409 relationship_changed; an ended link is 409 relationship_link_closed.',
            params: S.PartnerDelegationParams,
            body: S.RelationshipBody,
            response: { 200: S.RelationshipDto, ...problems(400, 401, 403, 404, 409) },
          },
        },
        async (req) => {
          access.partner(req, req.params.partner_id, 'partner.delegations.manage');
          return relationshipDto(await delegations.updateRelationship(req.ctx(), req.params.delegation_id, { side: 'partner', partnerId: req.params.partner_id }, req.body));
        },
      );
    },
    tenant(app: App): void {
      app.get(
        '/api/v1/tenants/:tenant_id/delegations/:delegation_id/relationship',
        { schema: { tags: TAGS, summary: "The link's relationship details: contract reference, contacts, notes", params: S.TenantDelegationParams, response: { 200: S.RelationshipDto, ...problems(400, 401, 403, 404) } } },
        async (req) => {
          access.tenant(req, req.params.tenant_id, 'tenant.delegations.read');
          await delegations.get(req.params.delegation_id, { tenantId: req.params.tenant_id });
          return relationshipDto(await delegations.relationship(req.params.delegation_id));
        },
      );

      app.put(
        '/api/v1/tenants/:tenant_id/delegations/:delegation_id/relationship',
        {
          schema: {
            tags: TAGS,
            summary: "Change the link's relationship details (tenant admin); the partner may change them too",
            description: 'A contact needs a name and a valid e-mail address or phone number (400 relationship_contact_invalid); an edit of an older version is 409 relationship_changed; an ended link is 409 relationship_link_closed.',
            params: S.TenantDelegationParams,
            body: S.RelationshipBody,
            response: { 200: S.RelationshipDto, ...problems(400, 401, 403, 404, 409) },
          },
        },
        async (req) => {
          access.tenant(req, req.params.tenant_id, 'tenant.delegations.manage');
          return relationshipDto(await delegations.updateRelationship(req.ctx(), req.params.delegation_id, { side: 'tenant', tenantId: req.params.tenant_id }, req.body));
        },
      );
    },
  };
}
