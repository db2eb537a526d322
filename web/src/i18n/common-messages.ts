/** Words many screens share (a button's name, a state), declared once. */
import { defineMessages } from './define.ts';

export const common = defineMessages({
  close: { id: 'common.close', defaultMessage: 'Close' },
  loading: { id: 'common.loading', defaultMessage: 'Loading…' },
  togglePassword: { id: 'common.toggle_password', defaultMessage: 'Show or hide the password' },
});
