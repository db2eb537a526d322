export { ProgramService, canonicalAgreementText, type AgreementInput, type ComputeResult } from './program.service.ts';
export { programRoutes, SIGNUP_POLICY } from './program.routes.ts';
export { programErrors } from './program.errors.ts';
export { commissionMinor, monthsBetween, periodOf } from './earnings-math.ts';
export { signupAudience } from './program-notices.ts';
