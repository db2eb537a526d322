/**
 * Wire shapes of OpenID AuthZEN Authorization API 1.0: Subject, Resource and Action (§5),
 * the evaluation(s) requests and responses (§6–7), the paged searches (§8–10, page token /
 * limit / next_token / count / total) and the PDP metadata document (§11).
 */
import { Type, Strict } from '../../platform/http/schemas.ts';
import { EVALUATIONS_SEMANTICS, MAX_PAGE_LIMIT } from './authzen.service.ts';

const Properties = Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'more attributes of the entity' }));
const EntityId = Type.String({ minLength: 1, maxLength: 256 });
const EntityType = Type.String({ minLength: 1, maxLength: 64 });

export const Subject = Strict(
  {
    type: EntityType,
    id: Type.Optional(EntityId),
    properties: Properties,
  },
  { description: '"partner" (id: the partner id) or "user" (id: a person of the partner; properties.mfa: signed in with a second factor)' },
);

export const Resource = Strict(
  {
    type: EntityType,
    id: Type.Optional(EntityId),
    properties: Properties,
  },
  { description: '"tenant" (id: the tenant id) or "ban" (id: a billing account id or account number; properties.tenant_id: its tenant)' },
);

export const Action = Strict(
  {
    name: Type.String({ minLength: 1, maxLength: 128, description: 'a permission name, e.g. billing.invoices.read' }),
    properties: Properties,
  },
  { description: 'the permission asked for' },
);

const Context = Type.Optional(
  Type.Record(Type.String(), Type.Unknown(), {
    description:
      'the environment of the request. `purpose`: the purpose the call serves, a purpose of the catalog (GET /api/v1/purposes): allowed only when the access the subject acts through was granted it and the customer has not revoked it — the answer the gateway gives on a route for that purpose',
  }),
);

const PageRequest = Type.Optional(
  Strict({
    token: Type.Optional(Type.String({ maxLength: 1024, description: 'next_token of the previous page' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_LIMIT, description: 'the most results to return (default 50)' })),
    properties: Properties,
  }),
);

export const EvaluationBody = Strict({ subject: Subject, action: Action, resource: Resource, context: Context });

export const EvaluationsBody = Strict({
  subject: Type.Optional(Subject),
  action: Type.Optional(Action),
  resource: Type.Optional(Resource),
  context: Context,
  evaluations: Type.Optional(
    Type.Array(Strict({ subject: Type.Optional(Subject), action: Type.Optional(Action), resource: Type.Optional(Resource), context: Context }), {
      maxItems: 1000,
      description: 'each evaluation; a field it leaves out takes the top-level one',
    }),
  ),
  options: Type.Optional(
    Type.Object(
      { evaluations_semantic: Type.Optional(Type.Union(EVALUATIONS_SEMANTICS.map((s) => Type.Literal(s)), { description: 'execute_all (default), deny_on_first_deny or permit_on_first_permit' })) },
      { additionalProperties: true },
    ),
  ),
});

export const SearchResourceBody = Strict({ subject: Subject, action: Type.Optional(Action), resource: Resource, context: Context, page: PageRequest });
export const SearchSubjectBody = Strict({ subject: Subject, action: Type.Optional(Action), resource: Resource, context: Context, page: PageRequest });
export const SearchActionBody = Strict({ subject: Subject, resource: Resource, context: Context, page: PageRequest });

const DecisionContext = Type.Optional(
  Type.Object({
    code: Type.String({ description: 'the refusal code of the decision engine (delegation_not_found, ban_not_covered, permission_denied, …)' }),
    reason: Type.String({ description: 'the refusal in plain words' }),
  }),
);

export const EvaluationResult = Type.Object({ decision: Type.Boolean(), context: DecisionContext }, { title: 'AuthzenDecision' });
export const EvaluationsResult = Type.Object({ evaluations: Type.Array(EvaluationResult) }, { title: 'AuthzenDecisions' });

const PageResult = Type.Object({
  next_token: Type.String({ description: 'empty when this is the last page' }),
  count: Type.Integer(),
  total: Type.Integer(),
});
const EntityResult = Type.Object({ type: Type.String(), id: Type.String(), properties: Type.Optional(Type.Object({ tenant_id: Type.String() })) });

export const SearchEntitiesResult = Type.Object({ results: Type.Array(EntityResult), page: PageResult }, { title: 'AuthzenSearchResults' });
export const SearchActionsResult = Type.Object({ results: Type.Array(Type.Object({ name: Type.String() })), page: PageResult }, { title: 'AuthzenActionSearchResults' });

export const PdpMetadata = Type.Object(
  {
    policy_decision_point: Type.String(),
    access_evaluation_endpoint: Type.String(),
    access_evaluations_endpoint: Type.String(),
    search_subject_endpoint: Type.String(),
    search_resource_endpoint: Type.String(),
    search_action_endpoint: Type.String(),
  },
  { title: 'AuthzenConfiguration' },
);
