/**
 * Branding: a partner's display name, colours and logo, shown to its people and, where the
 * operator allows it, to its customers (portal, consent screen, e-mail, PDF invoices).
 */
export { BrandingService, checkLogo, contrastWithWhite, logoUrl, LOGO_MAX_BYTES, MIN_CONTRAST, type BrandView, type ShownBrand, type BrandingDeps } from './branding.service.ts';
export { brandingRoutes, registerLogoFiles } from './branding.routes.ts';
export { brandingErrors } from './branding.errors.ts';
