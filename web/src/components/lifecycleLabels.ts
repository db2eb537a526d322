/** A feature's stage in the catalog, in the reader's words (the operator's catalog and a partner's features tab). */
import { defineMessages } from '../i18n/define.ts';

export const LIFECYCLE_LABELS = defineMessages({
  beta: { id: 'features.lifecycle.beta', defaultMessage: 'Beta (early access)' },
  general: { id: 'features.lifecycle.general', defaultMessage: 'Generally available' },
  retired: { id: 'features.lifecycle.retired', defaultMessage: 'Retired' },
});
