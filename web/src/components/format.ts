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

/** "just now", "5 minutes ago", "3 hours ago", "2 days ago", else the date. */
export function timeAgo(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '';
  const s = Math.round((now - new Date(iso).getTime()) / 1000);
  if (s < 60) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} minute${m === 1 ? '' : 's'} ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} hour${h === 1 ? '' : 's'} ago`;
  const d = Math.round(h / 24);
  if (d < 7) return `${d} day${d === 1 ? '' : 's'} ago`;
  return formatDate(iso);
}
