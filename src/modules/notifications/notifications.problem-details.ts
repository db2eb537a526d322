/**
 * The sentences this module's problems say to a person (their `detail`), in the reader's language: each
 * throw site names one of these messages, with its values as ICU placeholders (platform/errors/problem.ts).
 */
import { defineMessages } from '../../platform/i18n/intl.ts';

export const problemDetails = defineMessages({
  turnEndpointBack: { id: 'problem.webhook_endpoint_disabled.turn_endpoint_back', defaultMessage: "Turn the endpoint back on first." },
  noEventType: { id: 'problem.webhook_event_type_unknown.no_event_type', defaultMessage: "No event type {t}." },
});
