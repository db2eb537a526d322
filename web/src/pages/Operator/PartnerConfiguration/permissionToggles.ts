/**
 * A partner's permission switches (its feature toggles) from the permissions the operator leaves
 * ticked, and back: pure, so the rule is tested as a table (permissionToggles.test.ts).
 */

/** The customer-data areas the operator's checklist shows (the first word of a permission). */
export const TOGGLE_AREAS = ['billing', 'orders', 'services', 'support', 'reports', 'alerts', 'vouchers'] as const;

/** Does toggle `key` (a permission or a dotted prefix) cover permission `name`? */
export const covers = (key: string, name: string) => name === key || name.startsWith(`${key}.`);
export const inDataAreas = (key: string) => (TOGGLE_AREAS as readonly string[]).includes(key.split('.')[0]);

/** The permissions of `catalog` a partner may use under `toggles` (a false toggle turns off all it covers). */
export function allowedBy(catalog: readonly string[], toggles: Record<string, boolean>): string[] {
  return catalog.filter((p) => !Object.entries(toggles).some(([k, on]) => on === false && covers(k, p)));
}

/**
 * The toggles that say "these are off", from the permissions left ticked: a whole area off is one
 * toggle; any earlier toggle inside the data areas is replaced (switched back on) so that what is
 * ticked is exactly what is allowed. Toggles outside the data areas are left as they are.
 */
export function togglesFor(allowed: readonly string[], catalog: readonly string[], current: Record<string, boolean>): Record<string, boolean> {
  const off = catalog.filter((p) => inDataAreas(p) && !allowed.includes(p));
  const next: Record<string, boolean> = {};
  for (const k of Object.keys(current)) if (inDataAreas(k)) next[k] = true;
  for (const area of TOGGLE_AREAS) {
    const inArea = catalog.filter((p) => p.split('.')[0] === area);
    if (inArea.length > 0 && inArea.every((p) => off.includes(p))) next[area] = false;
    else for (const p of inArea) if (off.includes(p)) next[p] = false;
  }
  return next;
}
