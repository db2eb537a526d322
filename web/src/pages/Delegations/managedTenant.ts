/**
 * The managed customer a partner user has switched to (the MSP's tenant switcher). Kept per
 * browser tab (sessionStorage) and per partner, and shared by every component that acts on the
 * customer: each such request carries it as X-Active-Tenant-Id and the server checks it against
 * the partner's delegations.
 */
import { useCallback, useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();
const current = new Map<string, string | null>();
const key = (partnerId: string) => `partnergate.managedTenant.${partnerId}`;

function get(partnerId: string): string | null {
  if (!current.has(partnerId)) {
    let stored: string | null = null;
    try {
      stored = window.sessionStorage.getItem(key(partnerId));
    } catch {
      // storage disabled: nothing remembered
    }
    current.set(partnerId, stored);
  }
  return current.get(partnerId) ?? null;
}

function set(partnerId: string, tenantId: string | null): void {
  current.set(partnerId, tenantId);
  try {
    if (tenantId) window.sessionStorage.setItem(key(partnerId), tenantId);
    else window.sessionStorage.removeItem(key(partnerId));
  } catch {
    // storage disabled: the choice lasts until the page reloads
  }
  for (const l of listeners) l();
}

function subscribe(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function useManagedTenant(partnerId: string): [string | null, (tenantId: string | null) => void] {
  const value = useSyncExternalStore(subscribe, () => get(partnerId));
  const choose = useCallback((tenantId: string | null) => set(partnerId, tenantId), [partnerId]);
  return [value, choose];
}
