/**
 * The AuthZEN endpoints' refusals of a whole request (OpenID AuthZEN Authorization API 1.0 §12.1.11:
 * 400 / 401 / 403). A denied decision is not among them: it is `decision: false` with status 200.
 */
import { defineErrors } from '../../platform/errors/app-error.ts';

export const authzenErrors = defineErrors('authzen', {
  authzen_token_required: { status: 401, title: 'Send a client-credentials access token as a Bearer token' },
  authzen_token_invalid: { status: 401, title: 'The access token is not valid' },
  authzen_caller_not_app: { status: 403, title: "The token is not a partner app's own client-credentials token" },
  authzen_scope_required: { status: 403, title: 'The access token lacks the authzen.evaluate scope' },
  authzen_subject_type_unsupported: { status: 400, title: 'Unsupported subject type (partner or user)' },
  authzen_resource_type_unsupported: { status: 400, title: 'Unsupported resource type (tenant or ban)' },
  authzen_action_invalid: { status: 400, title: 'The action name is not a permission name' },
  authzen_id_required: { status: 400, title: 'An id is required here' },
  authzen_evaluation_incomplete: { status: 400, title: 'An evaluation lacks a subject, an action or a resource, with no default at the top level' },
  authzen_purpose_unknown: { status: 400, title: 'context.purpose is not a purpose of the catalog' },
  authzen_page_token_invalid: { status: 400, title: 'The page token was not issued for this search' },
});
