import { defineErrors } from '../../platform/errors/app-error.ts';

export const brandingErrors = defineErrors('branding', {
  brand_contrast_too_low: { status: 400, title: 'A brand colour does not contrast enough with white (WCAG AA)' },
  logo_too_large: { status: 413, title: 'The logo file is larger than allowed' },
  logo_type_not_allowed: { status: 415, title: 'The logo is not a PNG, JPEG or WebP image' },
  logo_dimensions_not_allowed: { status: 400, title: 'The logo is too small or too large in pixels' },
  logo_not_found: { status: 404, title: 'No logo at this address' },
});
