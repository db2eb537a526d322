/**
 * "Skip to main content": the first thing Tab reaches on every signed-in page, so a keyboard or
 * screen-reader user need not pass the header and the whole sidebar to reach the page (WCAG 2.4.1).
 * The main region carries MAIN_ID and tabIndex -1 (see `mainRegionProps`) so it can take the focus.
 */
import { FormattedMessage } from 'react-intl';
import classes from './SkipLink.module.css';

export const MAIN_ID = 'main-content';

/** Props for the element the link skips to. */
export const mainRegionProps = { id: MAIN_ID, tabIndex: -1, className: classes.target } as const;

export function SkipLink() {
  return (
    <a
      href={`#${MAIN_ID}`}
      className={classes.skip}
      data-testid="skip-link"
      onClick={(e) => {
        // focus the region itself (not only scroll to it), without adding "#main-content" to the address
        e.preventDefault();
        const main = document.getElementById(MAIN_ID);
        main?.focus();
        main?.scrollIntoView();
      }}
    >
      <FormattedMessage id="components.skip_link.label" defaultMessage="Skip to main content" />
    </a>
  );
}
