/**
 * A person's language preferences: their own choice and their organization's default — a cross-table
 * read model (table-owners.ts READERS) beside membership-reads.ts: tenants and partners own the
 * organizations' defaults, but the pages, e-mails and notices that need a reader's language ask identity.
 * The organization's default is their partner's when they belong to one, else the first of their tenants
 * (by name) that set one.
 */
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { SYSTEM_CONTEXT, withDbContext } from '../../platform/db/db-context.ts';

export interface LocalePreferences {
  /** the language the person chose on their account page; null = none chosen */
  person: string | null;
  /** their organization's default language; null = none set */
  organization: string | null;
}

/** The preferences of people by id (those not found are absent), read in the system context: the mailer and notices read them for any recipient. */
export async function localePreferencesOf(db: Executor, userIds: readonly string[]): Promise<Map<string, LocalePreferences>> {
  const out = new Map<string, LocalePreferences>();
  if (userIds.length === 0) return out;
  const rows = await withDbContext(SYSTEM_CONTEXT, () =>
    db
      .selectFrom('users as u')
      .select([
        'u.id',
        'u.locale as person',
        sql<string | null>`(select p.locale from partner_members m join partners p on p.id = m.partner_id where m.user_id = u.id and p.locale is not null limit 1)`.as('partner_locale'),
        sql<string | null>`(select t.locale from tenant_members m join tenants t on t.id = m.tenant_id where m.user_id = u.id and t.locale is not null order by t.name limit 1)`.as('tenant_locale'),
      ])
      .where('u.id', 'in', [...userIds])
      .execute(),
  );
  for (const r of rows) out.set(r.id, { person: r.person, organization: r.partner_locale ?? r.tenant_locale });
  return out;
}
