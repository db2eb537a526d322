/**
 * Standard Webhooks signatures (standardwebhooks.com, the `standardwebhooks` package): every
 * delivery carries `webhook-id` (the message id, the same on every retry so a receiver can drop
 * duplicates), `webhook-timestamp` (seconds) and `webhook-signature` (`v1,<base64 HMAC-SHA256 of
 * "id.timestamp.body">`). Secrets have the specification's form `whsec_<base64 of 32 bytes>`.
 */
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** A new endpoint secret, shown once to whoever registers the endpoint. */
export function newWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** The three Standard Webhooks headers of one delivery attempt. */
export function webhookHeaders(secret: string, messageId: string, at: Date, body: string): Record<string, string> {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(messageId, at, body),
  };
}
