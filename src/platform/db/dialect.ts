/** The two database dialects Partnergate runs on (its own file: rls.ts and database.ts both need it, and database.ts imports rls.ts). */
export type Dialect = 'sqlite' | 'postgres';
