/** Purpose-bound consent: the catalog's errors and the gateway's purpose refusals. */
import { defineErrors } from '../../platform/errors/app-error.ts';
import { registerUniqueConstraint } from '../../platform/errors/db-errors.ts';

export const purposeErrors = defineErrors('purposes', {
  purpose_required: { status: 403, title: 'The access was not granted for the purpose this route requires' },
  purpose_revoked: { status: 403, title: 'The customer revoked the purpose this route requires' },
  purpose_mismatch: { status: 403, title: 'The request named another purpose than the one its route serves' },
  purpose_not_found: { status: 404, title: 'No such purpose in the catalog' },
  purpose_exists: { status: 409, title: 'A purpose with this id is already in the catalog' },
  purpose_invalid: { status: 400, title: 'A purpose named is not an active purpose of the catalog' },
  purpose_retired: { status: 409, title: 'The purpose is retired' },
  gateway_route_not_found: { status: 404, title: 'No gateway route has this method and path' },
});

registerUniqueConstraint('purposes_pkey', 'purpose_exists', 'A purpose with this id is already in the catalog.');
