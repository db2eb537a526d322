/** The words around an alert in the e-mail to an address a link's alert settings list (alerts.service.ts), in the catalog of the server's messages. */
import { defineMessages } from '../../platform/i18n/intl.ts';

export const mm = defineMessages({
  raisedFor: { id: 'alert.mail.raised_for', defaultMessage: 'An alert was raised for {tenant}; open Alerts to see it.' },
  openInbox: { id: 'alert.mail.open_inbox', defaultMessage: 'Open the alerts inbox in Partnergate to acknowledge or resolve it.' },
});
