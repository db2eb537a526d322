/** Access templates, access requests and approval policies: their refusals (see docs/integrators/access-requests.md). */
import { defineErrors } from '../../platform/errors/app-error.ts';

export const accessRequestErrors = defineErrors('accessrequests', {
  access_template_not_found: { status: 404, title: 'No such access template' },
  access_template_invalid: { status: 400, title: 'The access template is not valid' },
  access_template_archived: { status: 409, title: 'The access template is archived and can no longer be requested' },
  access_duration_too_long: { status: 400, title: 'The duration asked for is longer than the template allows' },
  access_request_not_found: { status: 404, title: 'No such access request' },
  access_request_closed: { status: 409, title: 'The access request was already answered, withdrawn or has expired' },
  self_approval: { status: 403, title: 'Whoever asked for access cannot approve their own request; another admin of the tenant must' },
  already_approved: { status: 409, title: 'You have already approved this request; it waits for another approver' },
  approval_policy_invalid: { status: 400, title: 'The approval policy is not valid' },
});
