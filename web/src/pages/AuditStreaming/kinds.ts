/** The kinds of audit streaming destination, in words. */
import type { AuditDestinationKind } from '../../api/auditStreams.ts';
import { defineMessages, type Message } from '../../i18n/define.ts';

const webhook = defineMessages({
  title: { id: 'audit_streaming.kind.webhook.title', defaultMessage: 'Web address (signed webhook)' },
  hint: {
    id: 'audit_streaming.kind.webhook.hint',
    defaultMessage: 'Your system receives each batch of events as a signed HTTPS request, like Partnergate’s other webhooks.',
  },
  address: { id: 'audit_streaming.kind.webhook.address', defaultMessage: 'Web address' },
  placeholder: { id: 'audit_streaming.kind.webhook.placeholder', defaultMessage: 'https://siem.example.com/partnergate-audit' },
});

const syslog = defineMessages({
  title: { id: 'audit_streaming.kind.syslog.title', defaultMessage: 'Syslog server over TLS' },
  hint: {
    id: 'audit_streaming.kind.syslog.hint',
    defaultMessage: 'For a SIEM such as Splunk, QRadar or rsyslog: standard syslog messages (RFC 5424) over an encrypted connection (RFC 5425).',
  },
  address: { id: 'audit_streaming.kind.syslog.address', defaultMessage: 'Server and port' },
  placeholder: { id: 'audit_streaming.kind.syslog.placeholder', defaultMessage: 'siem.example.com:6514' },
});

const otlp = defineMessages({
  title: { id: 'audit_streaming.kind.otlp.title', defaultMessage: 'OpenTelemetry collector (OTLP logs)' },
  hint: {
    id: 'audit_streaming.kind.otlp.hint',
    defaultMessage: 'For an OpenTelemetry collector or any backend that takes OTLP logs over HTTP; events go to /v1/logs.',
  },
  address: { id: 'audit_streaming.kind.otlp.address', defaultMessage: 'Collector address' },
  placeholder: { id: 'audit_streaming.kind.otlp.placeholder', defaultMessage: 'https://otel-collector.example.com:4318' },
});

/** each kind's name, what it is for, and its address field (format them with intl.formatMessage) */
export const KIND_WORDS: Record<AuditDestinationKind, { title: Message; hint: Message; address: Message; placeholder: Message }> = { webhook, syslog, otlp };
