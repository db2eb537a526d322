/**
 * Demo world, strong authentication: one account that already uses two-step verification, so `npm start`
 * shows the sign-in second step. Its authenticator key is derived from the installation secret
 * (printed with the demo logins: add it to any authenticator app, or compute a code with
 * `oathtool --totp -b KEY`); the database holds it encrypted.
 */
import { createHmac } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import { mutate, type Db } from '../../platform/db/database.ts';
import type { DemoStep } from '../../platform/demo-step.ts';
import type { IdentityService } from './identity.service.ts';

export const DEMO_MFA_EMAIL = 'morgan@partnergate.demo';

export const seedDemoMfa: DemoStep<{ identity: IdentityService; db: Db; config: { secretKey: string } }> = async (s, world) => {
  const password = 'demo-' + createHmac('sha256', s.config.secretKey).update('demo-password:' + DEMO_MFA_EMAIL).digest('base64url').slice(0, 12);
  const secret = new OTPAuth.Secret({ buffer: Uint8Array.from(createHmac('sha256', s.config.secretKey).update('demo-totp:' + DEMO_MFA_EMAIL).digest().subarray(0, 20)).buffer }).base32;
  let user = await s.identity.findUserByEmail(DEMO_MFA_EMAIL);
  if (!user) {
    await mutate(s.db, (trx) => s.identity.createUser(trx, { email: DEMO_MFA_EMAIL, name: 'Morgan Secure', password }));
    user = await s.identity.findUserByEmail(DEMO_MFA_EMAIL);
  }
  await s.identity.mfa.seedDemoTotp(user!.id, secret);
  world.mfa = { email: DEMO_MFA_EMAIL, password, authenticator_key: secret, note: 'signs in with a code from an authenticator app holding this key' };
};
