export { AuditLog, AuditBuffer, toAuditEventDto, type AuditEntry, type AuditFilter, type AuditRow } from './audit.service.ts';
export { verifyChain, chainHash, GENESIS_HASH } from './audit-chain.ts';
export { registerAuditRoutes, type AuditAccess } from './audit.routes.ts';
