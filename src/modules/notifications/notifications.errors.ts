import { defineErrors } from '../../platform/errors/app-error.ts';

export const notificationErrors = defineErrors('notifications', {
  webhook_endpoint_not_found: { status: 404, title: 'Webhook endpoint not found' },
  webhook_delivery_not_found: { status: 404, title: 'Webhook delivery not found' },
  webhook_url_not_allowed: { status: 400, title: 'This address cannot receive webhooks' },
  webhook_event_type_unknown: { status: 400, title: 'Unknown event type' },
  webhook_endpoint_disabled: { status: 409, title: 'The webhook endpoint is turned off' },
  notification_not_found: { status: 404, title: 'Notification not found' },
  mail_message_not_found: { status: 404, title: 'Message not found' },
});
