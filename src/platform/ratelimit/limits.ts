/**
 * The per-minute limit of a route class, the one lookup the gateway and the API's own limited
 * routes (the consolidated partner views) share. RATE_LIMITS names them (config.rateLimits):
 * `<partner_id>:<class>` for one partner, then `<class>`, then `default`; 300 when none is set.
 */
export const DEFAULT_CLASS_LIMIT = 300;

export function classLimit(limits: Readonly<Record<string, number>>, partnerId: string | null, cls: string): number {
  return (partnerId !== null ? limits[`${partnerId}:${cls}`] : undefined) ?? limits[cls] ?? limits.default ?? DEFAULT_CLASS_LIMIT;
}
