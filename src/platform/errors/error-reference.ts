/**
 * The error-code reference for integrators (docs/integrators/error-codes.md): every code the
 * modules declare (defineErrors), grouped by area, with its HTTP status and title — written from
 * the registry, so the document cannot drift from the code (`npm run generate:errors`; a test
 * fails when the file differs).
 */
import { declaredErrorCodes } from './app-error.ts';

/** Each declaring module in words, in the order the reference lists them. */
const AREAS: [module: string, words: string][] = [
  ['platform', 'Any request'],
  ['lists', 'Lists and paging'],
  ['identity', 'Sign-in, sessions, people and API tokens'],
  ['tenants', 'Tenants and billing accounts'],
  ['partners', 'Partners, members and partner configuration'],
  ['domains', 'Sign-in domains: proving an organization owns an e-mail domain'],
  ['authz', 'Decisions: may this caller do this, here'],
  ['delegations', 'Delegations: partner access to a customer'],
  ['activations', 'Time-limited access'],
  ['apps', 'OAuth apps'],
  ['oauth', 'The authorization server'],
  ['gateway', 'The gateway'],
  ['authzen', 'The AuthZEN decision API'],
  ['resources', "Customers' orders, invoices, tickets and services"],
  ['exports', 'Exports'],
  ['alerts', 'Alerts'],
  ['notifications', 'Notifications, mail and webhooks'],
  ['plans', 'Plans and subscriptions'],
  ['program', 'The partner program: referrals, agreements, earnings and payouts'],
  ['agencies', 'Agencies and the embeddable form'],
  ['vouchers', 'Vouchers'],
  ['observability', 'Health and metrics'],
];

const HEAD = `# Error code reference

Generated from the code by \`npm run generate:errors\`; a test fails when this file differs from what the
server declares. Every code is the \`code\` of an RFC 9457 problem+json answer (see [error codes](errors.md) for
the envelope). Branch on the code; the title here is the default \`title\`, and \`detail\` says what happened in
this request.
`;

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** The whole document, from the codes declared now. */
export function errorReference(): string {
  const byModule = new Map<string, [string, { status: number; title: string }][]>();
  for (const [code, spec] of declaredErrorCodes()) {
    const list = byModule.get(spec.module) ?? [];
    list.push([code, spec]);
    byModule.set(spec.module, list);
  }
  const known = new Set(AREAS.map(([m]) => m));
  const order = [...AREAS, ...[...byModule.keys()].filter((m) => !known.has(m)).sort().map((m): [string, string] => [m, m[0].toUpperCase() + m.slice(1)])];
  const parts = [HEAD];
  for (const [module, words] of order) {
    const codes = byModule.get(module);
    if (!codes) continue;
    codes.sort((a, b) => a[1].status - b[1].status || a[0].localeCompare(b[0]));
    parts.push(`\n## ${words}\n\n| code | status | meaning |\n|---|---|---|\n${codes.map(([code, s]) => `| \`${code}\` | ${s.status} | ${cell(s.title)} |`).join('\n')}\n`);
  }
  return parts.join('');
}
