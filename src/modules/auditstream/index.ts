/**
 * Audit that leaves the building: each organization's audit events streamed at least once, in
 * chain order, to its security team's tools (signed webhook, syslog over TLS, OTLP logs), exported
 * by time range with the hash-chain proof, and kept as long as the organization says. Owns
 * audit_stream_destinations; reads the audit log through the audit module.
 */
export { AuditStreamService, type AuditStreamDeps, type NewDestination, type ExportPage } from './auditstream.service.ts';
export { auditStreamRoutes, type AuditStreamAccess } from './auditstream.routes.ts';
export { auditStreamErrors } from './auditstream.errors.ts';
export { AUDIT_STREAM_BATCH, auditStreamRetryDelayMs } from './auditstream-worker.ts';
export { verifyExport, type ExportVerdict } from './audit-proof.ts';
export { octetFrame, syslogMessage, otlpLogsRequest, SYSLOG_SD_ID, type WireEvent, type StreamOrg } from './audit-wire.ts';
