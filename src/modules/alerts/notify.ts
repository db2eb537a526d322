/**
 * The one notification seam: everything the MSP workspace pushes goes through
 * `notify()`. With the platform's notification center (`publish`), the alert becomes the catalog
 * event `alert.raised`, and the center tells each person and each listed address once per channel,
 * every one as the alerts module decides for them (alertAudience). Without it (no center), the
 * listed addresses are e-mailed here, each with the text already decided for that address.
 */
import type { Mailer } from '../../platform/mail/mailer.ts';
import type { AlertFacts } from '../notifications/index.ts';
import type { AlertKind } from './alert-conditions.ts';

export type Channel = 'in_app' | 'email';

export interface Notice {
  /** a stable event name, e.g. `alert.opened` */
  event: string;
  partnerId: string;
  tenantId: string | null;
  kind: AlertKind;
  severity: 'warning' | 'critical';
  /** one line, plain words, no figure */
  title: string;
  /** a few lines, plain words: the alert with its figures */
  body: string;
  /** the figures, so each recipient is told the alert in their own language (null: an alert stored before they were kept) */
  facts?: AlertFacts | null;
  channels: readonly Channel[];
  /** the e-mail of each listed address, as that address may read it (only sent without a notification center) */
  mails: readonly { to: string; subject: string; text: string }[];
  /** the thing the notice is about (an alert id) */
  subjectId: string;
}

export interface Notifier {
  notify(n: Notice): Promise<{ delivered: Channel[] }>;
}

export function createNotifier(deps: {
  mailer: Pick<Mailer, 'send'> | null;
  /** the platform's notification center: the notice as a catalog event — webhooks, the bell and e-mail, per recipient */
  publish?: (n: Notice) => Promise<void>;
  onError?: (err: unknown) => void;
}): Notifier {
  return {
    async notify(n) {
      if (deps.publish) {
        // the center tells everyone, once each: nothing is sent from here as well
        await deps.publish(n);
        return { delivered: [...n.channels] };
      }
      const delivered: Channel[] = [];
      if (n.channels.includes('in_app')) delivered.push('in_app');
      if (n.channels.includes('email') && deps.mailer && n.mails.length > 0) {
        let ok = true;
        for (const m of n.mails) {
          try {
            await deps.mailer.send({ to: m.to, subject: m.subject, text: m.text });
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
