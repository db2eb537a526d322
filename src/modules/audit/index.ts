export { AuditLog, AuditBuffer, toAuditEventDto, type AuditEntry, type AuditFilter, type AuditRow } from './audit.service.ts';
export { verifyChain, chainHash, GENESIS_HASH } from './audit-chain.ts';
export { auditRoutes, type AuditAccess } from './audit.routes.ts';
