/**
 * A data source set up for Stripe (operator): its status (webhook URL, last event, last backfill),
 * its signing secret and API key (sent once, sealed on the server, never returned), the Stripe
 * customers and the billing account each maps to, and the backfill.
 */
import type { Schemas } from './schema.ts';
import { http } from './client.ts';

export type StripeStatusDto = Schemas['StripeSourceStatus'];
export type StripeBackfillDto = Schemas['StripeBackfill'];
export type StripeCustomerDto = Schemas['StripeCustomerMapping'];

const enc = encodeURIComponent;
const base = (id: string) => `/api/v1/data-sources/${enc(id)}/stripe`;

export const stripeSourceApi = {
  status: (id: string) => http.get<StripeStatusDto>(base(id)),
  setUp: (id: string, body: { webhook_secret: string; api_key?: string | null }) => http.put<StripeStatusDto>(base(id), body),
  customers: (id: string) => http.get<{ data: StripeCustomerDto[] }>(`${base(id)}/customers`),
  mapCustomer: (id: string, customerId: string, ban: string | null) => http.put<{ customer_id: string; ban: string | null; results: { status: string }[] }>(`${base(id)}/customers/${enc(customerId)}`, { ban }),
  backfill: (id: string) => http.post<StripeBackfillDto>(`${base(id)}/backfill`, {}),
};
