/**
 * Per-link commitments (SLA, alert settings, billing threshold) and the alerts inbox of the MSP
 * workspace (issue 16), with the one notification seam, notify().
 */
export { AlertsService, toAlertDto, type AlertKind, type AlertsDeps, type Who } from './alerts.service.ts';
export { AlertScheduler } from './alert-scheduler.ts';
export { alertRoutes, type AlertRoutesDeps } from './alerts.routes.ts';
export { alertErrors } from './alerts.errors.ts';
export { createNotifier, type Notifier, type Notice, type Channel } from './notify.ts';
export { DEFAULT_COMMITMENTS, type Commitments } from './commitments.ts';
