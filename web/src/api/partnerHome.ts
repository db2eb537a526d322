/** The partner's home by kind (GET /api/v1/partners/:id/home); the referral figures are the program summary's. */
import { http } from './client.ts';
import type { Schemas } from './schema.ts';

export type PartnerHome = Schemas['PartnerHome'];
export type ConnectedCustomer = NonNullable<PartnerHome['delegated']>['customers'][number];
export type WholesaleInvoice = NonNullable<NonNullable<PartnerHome['wholesale']>['billing']>['invoices'][number];

export const partnerHomeApi = {
  home: (partnerId: string) => http.get<PartnerHome>(`/api/v1/partners/${encodeURIComponent(partnerId)}/home`),
};
