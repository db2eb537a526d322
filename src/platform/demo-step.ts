/**
 * The contract between the demo world (src/demo/demo.seed.ts) and the demo data a capability
 * module contributes (its `*.demo.ts`). It lives here, below both: a module's demo step names the
 * few services it needs (`DemoStep<{ … }>`) instead of the whole wiring, and the demo world passes
 * the application's services, which have them all — no module imports src/app or src/demo.
 */
import type { RequestContext } from './http/request-context.ts';

export interface Credentials {
  email: string;
  password: string;
}

/** What `seed demo --json` prints: the logins, and what each step added under its own key. */
export interface DemoWorld {
  portal_url: string;
  operator: Credentials;
  tenants: { id: string; slug: string; name: string; admin: Credentials; user: Credentials; bans: { id: string; account_number: string; name: string }[] }[];
  partners: { id: string; slug: string; name: string; capabilities: string[]; owner: Credentials; staff: Credentials }[];
  [extension: string]: unknown;
}

/** One module's part of the demo world; `Deps` is the services it uses. Idempotent. */
export type DemoStep<Deps> = (deps: Deps, world: DemoWorld, ctx: RequestContext) => Promise<void>;

/** Finding a demo login's user, for a step that acts as them (the identity service does it). */
export interface DemoUserLookup {
  findUserByEmail(email: string): Promise<{ id: string } | undefined>;
}
