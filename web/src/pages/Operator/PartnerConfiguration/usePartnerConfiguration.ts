/** A partner's configuration, as every configuration tab reads it: one request and one cache entry for all of them. */
import { featuresApi } from '../../../api/features.ts';
import { partnerKeys } from '../../../api/keys/partners.ts';
import { useApiQuery } from '../../../query/query.ts';

export function usePartnerConfiguration(partnerId: string) {
  // the partner changes parts of it too (early access): each tab asks afresh when it opens, so a save names the current version
  return useApiQuery(partnerKeys.configuration(partnerId), () => featuresApi.config(partnerId), { staleTime: 0 });
}
