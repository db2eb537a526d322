/**
 * The sentences this module's problems say to a person (their `detail`), in the reader's language: each
 * throw site names one of these messages, with its values as ICU placeholders (platform/errors/problem.ts).
 */
import { defineMessages } from '../../platform/i18n/intl.ts';

export const problemDetails = defineMessages({
  hasContrast1White: { id: 'problem.brand_contrast_too_low.has_contrast_1_white_least', defaultMessage: "{v} has a contrast of {ratio}:1 with white. {field, select, primary_color {The main colour carries white text and colours links, so it needs} other {The accent colour marks lines and bars, so it needs}} at least {need}:1 (WCAG AA). Choose a darker shade." },
  logoPixelsMustBetween: { id: 'problem.logo_dimensions_not_allowed.logo_pixels_must_between_pixels', defaultMessage: "The logo is {width}×{height} pixels; it must be between {logoMinPixels} and {logoMaxPixels} pixels on each side." },
  fileNotPngJpeg: { id: 'problem.logo_type_not_allowed.file_not_png_jpeg_webp', defaultMessage: "This file is not a PNG, JPEG or WebP image." },
  svgLogosNotAccepted: { id: 'problem.logo_type_not_allowed.svg_logos_not_accepted_svg', defaultMessage: "SVG logos are not accepted: an SVG can carry scripts. Upload a PNG, JPEG or WebP image." },
  logoTooLargeKib: { id: 'problem.logo_too_large.logo_kib_at_most', defaultMessage: "The logo is {kib} KiB; at most {max} KiB is accepted. Save it smaller (a 512×512 PNG is plenty)." },
});
