/**
 * npm run bench:signatures — what one access token's signature costs, per algorithm the
 * authorization server can sign access tokens with (ACCESS_TOKEN_SIGNING_ALG: ES256, RS256, EdDSA):
 *   - verify: the gateway's own check (jws-signature.ts checkJwsSignature: node:crypto with a
 *     KeyObject, ES256's r‖s turned into DER first), on distinct tokens, as the cold path meets them;
 *   - sign: node:crypto's sign of the same signing input (what the gateway bench's minting does);
 *   - sign (jose): jose's CompactSign, the library oidc-provider signs access tokens with (WebCrypto).
 * Keys come from the key store's own generateKey (P-256, RSA 2048, Ed25519). The tokens carry the
 * claims of a consent grant, each its own jti. The algorithms are measured in BENCH_ROUNDS interleaved
 * rounds (the order rotates each round) of BENCH_TOKENS tokens each, one thread; figures are medians
 * of the rounds, in µs per token, every round listed. `issued_and_verified_once_us` adds the
 * authorization server's signature (jose) to the gateway's check: what one token used once costs
 * an installation that issues and checks it (the gateway's cold path, counted whole). Last line:
 * one JSON object.
 */
import { createPrivateKey, createPublicKey, sign, type JsonWebKey as NodeJwk, type KeyObject } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { CompactSign, importJWK } from 'jose';
import { generateKey } from '../src/modules/oauth/signing-keys.ts';
import { checkJwsSignature, type JwsAlg } from '../src/modules/gateway/jws-signature.ts';

const ALGS: JwsAlg[] = ['ES256', 'RS256', 'EdDSA'];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TOKENS = Number(process.env.BENCH_TOKENS ?? 2000);
const log = (s: string) => process.stderr.write(s + '\n');

interface AlgKeys {
  alg: JwsAlg;
  privateKey: KeyObject;
  publicKey: KeyObject;
  jose: Awaited<ReturnType<typeof importJWK>>;
  header: string;
  /** size of a token's signature segment, characters */
  sigChars: number;
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const claims = (i: number) => ({
  partner_id: 'ptr_01JBENCHPARTNER000000000000',
  persona: 'partner',
  tenant_id: 'tnt_01JBENCHTENANT0000000000000',
  customer_ban: ['BAN-00000001'],
  bill_to: 'BAN-00000001',
  act: { sub: 'ptr_01JBENCHPARTNER000000000000', client_id: 'app_01JBENCHAPP000000000000000' },
  dlg: 'dlg_01JBENCHDELEGATION000000000',
  scope: 'orders.read orders.create',
  client_id: 'app_01JBENCHAPP000000000000000',
  iss: 'https://partnergate.example/oauth',
  aud: 'https://partnergate.example/resources',
  sub: 'tnt_01JBENCHTENANT0000000000000',
  iat: 1_800_000_000,
  exp: 1_800_000_600,
  jti: `bench-${i}`,
});

function nodeSign(k: AlgKeys, input: string): Buffer {
  const data = Buffer.from(input, 'latin1');
  if (k.alg === 'ES256') return sign('sha256', data, { key: k.privateKey, dsaEncoding: 'ieee-p1363' });
  return sign(k.alg === 'RS256' ? 'sha256' : null, data, k.privateKey);
}

async function keysFor(alg: JwsAlg): Promise<AlgKeys> {
  const g = await generateKey(alg);
  const privateKey = createPrivateKey({ key: g.privateJwk as NodeJwk, format: 'jwk' });
  const publicKey = createPublicKey({ key: g.publicJwk as NodeJwk, format: 'jwk' });
  const header = b64({ alg, typ: 'at+jwt', kid: g.kid });
  const k: AlgKeys = { alg, privateKey, publicKey, jose: await importJWK(g.privateJwk, alg), header, sigChars: 0 };
  k.sigChars = nodeSign(k, `${header}.${b64(claims(0))}`).toString('base64url').length;
  return k;
}

const perToken = (ns: bigint, n: number) => Number(ns) / 1000 / n;

/** One round of one algorithm: sign TOKENS fresh tokens with node:crypto and with jose, verify each once. */
async function round(k: AlgKeys, offset: number): Promise<{ sign_us: number; sign_jose_us: number; verify_us: number }> {
  const inputs = Array.from({ length: TOKENS }, (_, i) => `${k.header}.${b64(claims(offset + i))}`);
  let t = process.hrtime.bigint();
  const sigs = inputs.map((input) => nodeSign(k, input));
  const signNs = process.hrtime.bigint() - t;
  const joseInputs = inputs.map((input) => Buffer.from(input.slice(input.indexOf('.') + 1), 'base64url'));
  t = process.hrtime.bigint();
  for (const payload of joseInputs) await new CompactSign(payload).setProtectedHeader({ alg: k.alg, typ: 'at+jwt' }).sign(k.jose);
  const joseNs = process.hrtime.bigint() - t;
  // the gateway's check decodes the signature segment first (access-token.ts), so that is timed too
  const segments = sigs.map((s) => s.toString('base64url'));
  t = process.hrtime.bigint();
  let valid = 0;
  for (let i = 0; i < TOKENS; i++) if (checkJwsSignature(k.alg, k.publicKey, inputs[i], Buffer.from(segments[i], 'base64url'))) valid++;
  const verifyNs = process.hrtime.bigint() - t;
  if (valid !== TOKENS) throw new Error(`${k.alg}: ${TOKENS - valid} of ${TOKENS} signatures did not verify`);
  return { sign_us: perToken(signNs, TOKENS), sign_jose_us: perToken(joseNs, TOKENS), verify_us: perToken(verifyNs, TOKENS) };
}

const median = (xs: number[]) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const r1 = (x: number) => Math.round(x * 10) / 10;

async function main(): Promise<void> {
  const keys = await Promise.all(ALGS.map(keysFor));
  const rounds: Record<JwsAlg, { sign_us: number; sign_jose_us: number; verify_us: number }[]> = { ES256: [], RS256: [], EdDSA: [] };
  // a warm-up round of each (JIT, OpenSSL's first use of a key), not counted
  for (const k of keys) await round(k, 0);
  let offset = TOKENS;
  const load = [loadavg()[0]];
  for (let r = 0; r < ROUNDS; r++) {
    const order = keys.map((_, i) => keys[(i + r) % keys.length]);
    for (const k of order) {
      rounds[k.alg].push(await round(k, offset));
      offset += TOKENS;
    }
    log(`round ${r + 1}/${ROUNDS}: ${keys.map((k) => `${k.alg} verify ${r1(rounds[k.alg][r].verify_us)} µs, sign ${r1(rounds[k.alg][r].sign_us)} µs`).join('; ')}`);
  }
  load.push(loadavg()[0]);
  const summary: Record<string, unknown> = { tokens_per_round: TOKENS, rounds: ROUNDS };
  const lines = [`bench:signatures — µs per token, one thread, median of ${ROUNDS} interleaved rounds of ${TOKENS} tokens, ${cpus().length} CPUs, load average ${r1(load[0])} → ${r1(load[1])}`];
  for (const k of keys) {
    const rs = rounds[k.alg];
    const m = { verify_us: r1(median(rs.map((x) => x.verify_us))), sign_us: r1(median(rs.map((x) => x.sign_us))), sign_jose_us: r1(median(rs.map((x) => x.sign_jose_us))), issued_and_verified_once_us: 0 };
    m.issued_and_verified_once_us = r1(m.sign_jose_us + m.verify_us);
    summary[k.alg] = { ...m, signature_chars: k.sigChars, verify_rounds: rs.map((x) => r1(x.verify_us)), sign_rounds: rs.map((x) => r1(x.sign_us)), sign_jose_rounds: rs.map((x) => r1(x.sign_jose_us)) };
    lines.push(`  ${k.alg.padEnd(6)} verify ${String(m.verify_us).padStart(7)} µs   sign ${String(m.sign_us).padStart(7)} µs   sign (jose) ${String(m.sign_jose_us).padStart(7)} µs   issued and verified once ${String(m.issued_and_verified_once_us).padStart(7)} µs   signature ${k.sigChars} characters`);
  }
  summary.cpus = cpus().length;
  summary.loadavg_1m = load.map((x) => Math.round(x * 100) / 100);
  process.stdout.write([...lines, JSON.stringify(summary)].join('\n') + '\n');
}

await main();
