export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString(undefined, { dateStyle: 'medium' });
}

export function capabilityLabel(c: string): string {
  return CAPABILITY_INFO[c]?.label ?? c;
}

export const CAPABILITY_INFO: Record<string, { label: string; description: string }> = {
  delegated: { label: 'Delegated', description: 'Acts for customers who consent; the customer is billed.' },
  wholesale: { label: 'Wholesale', description: 'Resells: owns end-customer accounts and is billed itself.' },
  managed_services: { label: 'Managed services', description: 'MSP or enterprise HQ managing many tenants.' },
  referral: { label: 'Referral', description: 'Partner program: referral codes and earnings only.' },
};

/** "Acme Fiber" → "acme-fiber" */
export function slugify(s: string): string {
  return s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/g, '');
}

/** How a partner's access to a tenant came about, in words. */
export function originLabel(origin: string): string {
  return ({ link: 'Access link', consent: 'App consent', wholesale: 'Wholesale' } as Record<string, string>)[origin] ?? origin;
}
