/**
 * Languages: the operator's own words per language on the sign-in and consent pages (owns
 * platform_texts). Which language a reader gets is platform/i18n/locales.ts; a person's and an
 * organization's choice are identity's, tenants' and partners' columns.
 */
export { LanguagesService, type LanguagesDeps, type PlatformTexts, type PlatformTextsDto } from './languages.service.ts';
export { languageRoutes } from './languages.routes.ts';
