/**
 * Per-link commitments (SLA, alert settings, billing threshold) and the alerts inbox of the MSP
 * workspace, with the one notification seam, notify(); the one computation of a link's
 * alerts (linkConditions), and what each recipient of an alert's notice may read of it.
 */
export { AlertsService, toAlertDto, type AlertKind, type AlertsDeps, type Who } from './alerts.service.ts';
export { AlertScheduler } from './alert-scheduler.ts';
export { alertRoutes, type AlertRoutesDeps } from './alerts.routes.ts';
export { alertErrors } from './alerts.errors.ts';
export { createNotifier, type Notifier, type Notice, type Channel } from './notify.ts';
export { DEFAULT_COMMITMENTS, type Commitments } from './commitments.ts';
export { linkConditions, slaWindowFrom, type WatchedLink, type LinkCondition, type ConditionWindow } from './alert-conditions.ts';
export { ALERT_READS, FIGURES_HIDDEN, memberSight, partnerSight, withoutFigures, type Sight } from './alert-notices.ts';
