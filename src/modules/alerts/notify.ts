/**
 * The one notification seam (issue 16): everything the MSP workspace pushes goes through
 * `notify()`. Today it has two channels — in-app (the alert inbox itself: the notice is the row
 * the inbox shows) and e-mail (the platform mailer). The notification center of the platform
 * (another issue) extends this seam with webhooks and a user inbox without changing callers.
 */
import type { Mailer } from '../../platform/mail/mailer.ts';

export type Channel = 'in_app' | 'email';

export interface Notice {
  /** a stable event name, e.g. `alert.opened` */
  event: string;
  partnerId: string;
  tenantId: string | null;
  /** one line, plain words */
  title: string;
  /** a few lines, plain words */
  body: string;
  channels: readonly Channel[];
  /** e-mail addresses (the email channel) */
  recipients: readonly string[];
  /** the thing the notice is about (an alert id) */
  subjectId: string;
}

export interface Notifier {
  notify(n: Notice): Promise<{ delivered: Channel[] }>;
}

/** In-app is the inbox row (nothing more to write); e-mail goes to each recipient through the mailer. */
export function createNotifier(deps: {
  mailer: Pick<Mailer, 'send'> | null;
  /** the platform's notification center (issue 17): the notice as a catalog event — webhooks and the bell */
  publish?: (n: Notice) => Promise<void>;
  onError?: (err: unknown) => void;
}): Notifier {
  return {
    async notify(n) {
      const delivered: Channel[] = [];
      if (deps.publish) await deps.publish(n);
      if (n.channels.includes('in_app')) delivered.push('in_app');
      if (n.channels.includes('email') && deps.mailer && n.recipients.length > 0) {
        let ok = true;
        for (const to of n.recipients) {
          try {
            await deps.mailer.send({ to, subject: n.title, text: `${n.body}\n\nOpen the alerts inbox in Partnergate to acknowledge or resolve it.\n` });
          } catch (e) {
            ok = false;
            deps.onError?.(e);
          }
        }
        if (ok) delivered.push('email');
      }
      return { delivered };
    },
  };
}
