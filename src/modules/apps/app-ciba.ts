/**
 * An app's CIBA setting (OpenID CIBA Core 1.0 §4, client metadata): the app opts in with its
 * token delivery mode — `poll`, or `ping` with the client notification endpoint the authorization
 * server calls when the customer decided. Only a partner acting for customers who consent
 * (`delegated`) may; the operator can still switch CIBA off per partner (feature oauth.ciba).
 */
import { appErrors as E } from './apps.errors.ts';
import type { AppRow } from './apps.repo.ts';
import { problemDetails as PD } from './apps.problem-details.ts';

export interface CibaSetting {
  delivery_mode: 'poll' | 'ping';
  notification_endpoint?: string | null;
}

type CibaColumns = { ciba_delivery_mode: 'poll' | 'ping' | null; ciba_notification_endpoint: string | null };

/** The columns for a setting (null: the app does not use CIBA), or a 400 naming the field. */
export function cibaColumns(setting: CibaSetting | null | undefined, caps: readonly string[]): CibaColumns {
  if (!setting) return { ciba_delivery_mode: null, ciba_notification_endpoint: null };
  if (!caps.includes('delegated')) throw E.app_grant_types_invalid(PD.cibaAsksCustomersConsent, { fields: [{ pointer: '/body/ciba', detail: 'needs delegated' }] });
  const endpoint = setting.notification_endpoint ?? null;
  if (setting.delivery_mode === 'poll') {
    if (endpoint) throw E.app_grant_types_invalid(PD.pollingAppHasNo, { fields: [{ pointer: '/body/ciba/notification_endpoint', detail: 'only with ping' }] });
    return { ciba_delivery_mode: 'poll', ciba_notification_endpoint: null };
  }
  if (!endpoint) throw E.app_grant_types_invalid(PD.pingModeNeedsNotification, { fields: [{ pointer: '/body/ciba/notification_endpoint', detail: 'required with ping' }] });
  const problem = endpointProblem(endpoint);
  if (problem) throw E.app_grant_types_invalid(`${endpoint}: ${problem}.`, { fields: [{ pointer: '/body/ciba/notification_endpoint', detail: problem }] });
  return { ciba_delivery_mode: 'ping', ciba_notification_endpoint: endpoint };
}

/** The setting as the API shows it. */
export function cibaDto(a: AppRow): CibaSetting | null {
  return a.ciba_delivery_mode ? { delivery_mode: a.ciba_delivery_mode, notification_endpoint: a.ciba_notification_endpoint } : null;
}

/** CIBA §4: the client notification endpoint is an https URL (no fragment, no credentials); the address policy applies when it is called. */
function endpointProblem(raw: string): string | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'not an absolute URL';
  }
  if (u.protocol !== 'https:') return 'the notification endpoint must be an https URL';
  if (raw.includes('#') || u.username || u.password) return 'the notification endpoint must not carry a fragment or credentials';
  return null;
}
