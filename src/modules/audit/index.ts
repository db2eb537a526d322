export { AuditLog, AuditBuffer, toAuditEventDto, type AuditEntry, type AuditFilter, type AuditRow } from './audit.service.ts';
export { verifyChain, chainHash, GENESIS_HASH, type ChainedFields } from './audit-chain.ts';
export { auditRoutes, type AuditAccess } from './audit.routes.ts';
export { orgEventsAfter, orgBacklog, orgLinkBefore, chainHeadSeq, type AuditOrg, type ChainedRow } from './audit-stream.repo.ts';
export { findRetention, upsertRetention, sweepExpired, type RetentionRow, type SweepResult } from './audit-retention.repo.ts';
