/** The kinds of audit streaming destination, in words. */
import type { AuditDestinationKind } from '../../api/auditStreams.ts';

export const KIND_WORDS: Record<AuditDestinationKind, { title: string; hint: string; address: string; placeholder: string }> = {
  webhook: {
    title: 'Web address (signed webhook)',
    hint: 'Your system receives each batch of events as a signed HTTPS request, like Partnergate’s other webhooks.',
    address: 'Web address',
    placeholder: 'https://siem.example.com/partnergate-audit',
  },
  syslog: {
    title: 'Syslog server over TLS',
    hint: 'For a SIEM such as Splunk, QRadar or rsyslog: standard syslog messages (RFC 5424) over an encrypted connection (RFC 5425).',
    address: 'Server and port',
    placeholder: 'siem.example.com:6514',
  },
  otlp: {
    title: 'OpenTelemetry collector (OTLP logs)',
    hint: 'For an OpenTelemetry collector or any backend that takes OTLP logs over HTTP; events go to /v1/logs.',
    address: 'Collector address',
    placeholder: 'https://otel-collector.example.com:4318',
  },
};
