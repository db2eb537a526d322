/**
 * npm run bench:agency — how fast the embed API authenticates an agency token in-process:
 * format + checksum check, one keyed hash (HMAC-SHA256), and the index lookups (token → agency →
 * tenant), with 100,000 active tokens in the index. Target: p99 ≤ 50 µs.
 *
 * Prints a table, then (last line) one JSON object with at least verifications_per_sec and p99_us.
 */
import { SecretHasher } from '../src/platform/crypto.ts';
import { AgencyTokenIndex, newAgencyToken } from '../src/modules/agencies/index.ts';

const TOKENS = Number(process.env.BENCH_TOKENS ?? 100_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300_000);
const TENANTS = 1_000;
const FORM = JSON.stringify({ allowed_voucher_types: ['credit_10', 'free_installation'], intro_text: 'Welcome', rules_list: ['One per booking'] });

const hasher = new SecretHasher('bench-secret-key-0123456789-abcdefghijklmnop');
const index = new AgencyTokenIndex(hasher);

const t0 = performance.now();
for (let i = 0; i < TENANTS; i++) index.putTenant(`tnt_${i}`, { name: `Tenant ${i}`, status: 'active' });
const tokens: string[] = new Array(TOKENS);
for (let i = 0; i < TOKENS; i++) {
  const tenant = `tnt_${i % TENANTS}`;
  const agency = `agy_${i}`;
  index.putAgency({ id: agency, tenant_id: tenant, name: `Agency ${i}`, status: 'active' });
  const token = newAgencyToken();
  tokens[i] = token;
  index.putToken({ id: `agt_${i}`, tenant_id: tenant, partner_agency_id: agency, label: 'form', status: 'active', token_hash: hasher.hash(token), form_config: FORM });
}
const buildMs = performance.now() - t0;
if (index.size !== TOKENS) throw new Error(`index holds ${index.size} tokens, expected ${TOKENS}`);

// deterministic pseudo-random order (xorshift), so the lookups do not walk the map in insert order
let seed = 0x9e3779b9;
const next = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % TOKENS;
};

function check(token: string): void {
  const v = index.verify(token);
  if (!v.ok) throw new Error('a valid token was refused: ' + v.code);
}

// warm-up (JIT, map internals)
for (let i = 0; i < 50_000; i++) check(tokens[next()]);

// latency: every verification timed on its own
const lat = new Float64Array(SAMPLES);
for (let i = 0; i < SAMPLES; i++) {
  const tok = tokens[next()];
  const s = process.hrtime.bigint();
  check(tok);
  lat[i] = Number(process.hrtime.bigint() - s) / 1000;
}
lat.sort();
const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];

// throughput: a tight loop without per-call timers
const N = SAMPLES;
const picks = Array.from({ length: N }, () => tokens[next()]);
const s1 = process.hrtime.bigint();
for (let i = 0; i < N; i++) check(picks[i]);
const secs = Number(process.hrtime.bigint() - s1) / 1e9;
const perSec = N / secs;

// the refusal path: well-formed tokens that were never issued (hash + miss)
const strangers = Array.from({ length: 50_000 }, () => newAgencyToken());
const s2 = process.hrtime.bigint();
for (const tok of strangers) if (index.verify(tok).ok) throw new Error('an unknown token was accepted');
const unknownPerSec = strangers.length / (Number(process.hrtime.bigint() - s2) / 1e9);

const mem = process.memoryUsage();
const result = {
  tokens: TOKENS,
  samples: SAMPLES,
  verifications_per_sec: Math.round(perSec),
  p50_us: +pct(0.5).toFixed(2),
  p90_us: +pct(0.9).toFixed(2),
  p99_us: +pct(0.99).toFixed(2),
  p999_us: +pct(0.999).toFixed(2),
  max_us: +lat[lat.length - 1].toFixed(1),
  unknown_token_verifications_per_sec: Math.round(unknownPerSec),
  index_build_ms: Math.round(buildMs),
  heap_used_mb: Math.round(mem.heapUsed / 1048576),
  node: process.version,
  target_p99_us: 50,
  meets_target: pct(0.99) <= 50,
};

console.log(`agency token verification, ${TOKENS.toLocaleString('en-US')} active tokens in the index (${result.node})`);
console.log(`  throughput        ${result.verifications_per_sec.toLocaleString('en-US')} verifications/s (unknown tokens: ${result.unknown_token_verifications_per_sec.toLocaleString('en-US')}/s)`);
console.log(`  latency (µs)      p50 ${result.p50_us}  p90 ${result.p90_us}  p99 ${result.p99_us}  p99.9 ${result.p999_us}  max ${result.max_us}`);
console.log(`  index             built in ${result.index_build_ms} ms, heap ${result.heap_used_mb} MB`);
console.log(`  target p99 ≤ 50 µs: ${result.meets_target ? 'met' : 'NOT met'}`);
console.log(JSON.stringify(result));
