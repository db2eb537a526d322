import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import { StrictMode, Suspense, lazy } from 'react';
import { createRoot } from 'react-dom/client';
import { Badge, DirectionProvider, MantineProvider, createTheme, darken, luminance, type CSSVariablesResolver, type MantineColorsTuple } from '@mantine/core';
import { useIntl } from 'react-intl';
import { QueryClientProvider } from '@tanstack/react-query';
import { createQueryClient } from './query/query.ts';
import { SessionProvider } from './session/SessionContext.tsx';
import { I18nProvider } from './i18n/I18nProvider.tsx';
import { directionOf, isLocale } from './i18n/locales.ts';
import { common } from './i18n/common-messages.ts';
import { setFormatIntl } from './components/format.ts';

/** WCAG 2 contrast ratio of two colours (1 to 21); AA asks 4.5:1 for body text. */
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** Shade 9 darkened just enough to read at AA on the colour's lightest tint (the "light" badges, alerts and buttons). */
function readableOnTint(c: MantineColorsTuple): string {
  let text = c[9];
  for (let k = 0.05; contrast(text, c[2]) < 4.6 && k < 1; k += 0.05) text = darken(c[9], k);
  return text;
}

const baseTheme = {
  primaryColor: 'blue',
  // Mantine's default shade 6 of blue gives links and filled buttons 3.6:1 against white; shade 8 reads at AA.
  primaryShade: { light: 8, dark: 8 },
  // Text on a filled badge, button or indicator is black or white, whichever reads better: the luminance
  // where both reach the same contrast (~0.18) rather than Mantine's 0.3, so neither falls under 4.5:1.
  autoContrast: true,
  luminanceThreshold: 0.18,
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  // Someone who asks their system for less motion gets dialogs, menus and notices that appear
  // without sliding or fading (the browser tests ask for it too: they never act mid-animation).
  respectReducedMotion: true,
  components: {
    // A button's words wrap onto a second line where they do not fit (a long German label on a phone) instead of
    // running out of the button or being cut off; the button grows to hold them.
    Button: {
      styles: {
        root: { height: 'auto', minHeight: 'var(--button-height)' },
        inner: { minHeight: 'var(--button-height)' },
        label: { whiteSpace: 'normal', overflow: 'visible', textAlign: 'center', lineHeight: 1.3, paddingBlock: 4 },
      },
    },
    // A badge sizes to its words and wraps them when its column is narrow, instead of cutting them
    // off with an ellipsis ("WAITING ON C…").
    Badge: Badge.extend({
      styles: {
        root: { height: 'auto', minHeight: 'var(--badge-height)', maxWidth: '100%', overflow: 'visible' },
        label: { whiteSpace: 'normal', overflow: 'visible', textOverflow: 'clip', overflowWrap: 'break-word', textAlign: 'center' },
      },
    }),
  },
} satisfies Parameters<typeof createTheme>[0];

/**
 * The theme in the reader's language: the × of a dialog or a side panel is a button, and a button needs a
 * name for a screen reader (a panel that says what it closes, "Close the ticket", still names its own), and so does
 * the eye of a password field.
 * (plain theme entries, not Modal.extend(): importing the components here would put them in the first download)
 */
function themeIn(close: string, togglePassword: string) {
  return createTheme({
    ...baseTheme,
    components: {
      ...baseTheme.components,
      Modal: { defaultProps: { closeButtonProps: { 'aria-label': close } } },
      Drawer: { defaultProps: { closeButtonProps: { 'aria-label': close } } },
      // the eye button of a password field: Mantine names it in English otherwise
      PasswordInput: { defaultProps: { visibilityToggleButtonProps: { 'aria-label': togglePassword } } },
    },
  });
}

/** Mantine inside the language: its direction and the words the theme gives components follow the reader's language. */
function Themed() {
  const intl = useIntl();
  // before the pages below render: the plain functions that return words (timeAgo, labels) speak this language
  setFormatIntl(intl);
  const lang = document.documentElement.lang;
  return (
    <DirectionProvider initialDirection={isLocale(lang) ? directionOf(lang) : 'ltr'} detectDirection={false}>
      <MantineProvider theme={themeIn(intl.formatMessage(common.close), intl.formatMessage(common.togglePassword))} defaultColorScheme="light" cssVariablesResolver={cssVariablesResolver}>
        <Suspense fallback={null}>
          <Notifications position="bottom-right" />
        </Suspense>
        <Suspense fallback={<div aria-busy="true" />}>
          <App />
        </Suspense>
      </MantineProvider>
    </DirectionProvider>
  );
}

/**
 * The muted ("dimmed") grey and the text of tinted badges and alerts, raised to WCAG AA (4.5:1): Mantine's
 * defaults give 3.3:1 (grey #868e96 on white, 3.1:1 on the page's grey) and 2.7–4.3:1 for most tints.
 */
const cssVariablesResolver: CSSVariablesResolver = (t) => ({
  variables: {},
  // #5f676f: 5.7:1 on white, 5.4:1 on the page's grey, 4.8:1 on the grey of a selected row or link
  light: {
    '--mantine-color-dimmed': '#5f676f',
    // a field's error message (red.9, #c92a2a: 5.6:1 on white) — Mantine's red.6 reads at 3.6:1
    '--mantine-color-error': '#c92a2a',
    ...Object.fromEntries(Object.entries(t.colors).map(([name, c]) => [`--mantine-color-${name}-light-color`, readableOnTint(c)])),
  },
  // #9a9a9a: 4.8:1 on the dark theme's lightest surface (#2e2e2e), more on its body (#242424)
  dark: { '--mantine-color-dimmed': '#9a9a9a' },
});

/**
 * The shell and its routes load beside the session and the catalog rather than before them: the first download
 * is what it takes to ask /me, and the shell's code arrives while that answer is on its way.
 */
const shell = import('./App.tsx');
const App = lazy(() => shell.then((m) => ({ default: m.App })));
/**
 * The notices' container (and its transitions) comes after the first screen: a notice raised before it arrives
 * waits in Mantine's store, which query.ts writes to, and shows when the container mounts.
 */
const Notifications = lazy(() => import('./components/Notices.tsx').then((m) => ({ default: m.Notifications })));

const queryClient = createQueryClient();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <SessionProvider>
        <I18nProvider>
          <Themed />
        </I18nProvider>
      </SessionProvider>
    </QueryClientProvider>
  </StrictMode>,
);
