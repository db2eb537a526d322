/** Where new orders and tickets, and changes to them, are sent (operator): the reference service or the provider's system. */
import type { Schemas } from './schema.ts';
import { http } from './client.ts';

export type WriteRoutesDto = Schemas['WriteRoutes'];
export type WriteChoiceDto = WriteRoutesDto['kinds'][number];
export type WritableKind = WriteChoiceDto['kind'];
/** a record sent to the provider's system: waiting, overdue or confirmed */
export type WriteConfirmationDto = Schemas['WriteConfirmation'];

export type WriteRouteBody = { goes_to: 'reference_service' } | { goes_to: 'provider'; route_name: string; source_id: string; confirm_within_minutes?: number };

export const writeRoutesApi = {
  get: () => http.get<WriteRoutesDto>('/api/v1/data-sources/write-routes'),
  set: (kind: WritableKind, body: WriteRouteBody) => http.put<WriteRoutesDto>(`/api/v1/data-sources/write-routes/${encodeURIComponent(kind)}`, body),
};
