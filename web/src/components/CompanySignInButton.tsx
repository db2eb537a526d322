/**
 * "Sign in with your company" on the sign-in page: the address typed above decides where to go — its
 * domain, verified by an organization whose single sign-on is on, sends the browser to that
 * organization's own sign-in; any other address is told to use its password.
 */
import { useState } from 'react';
import { Alert, Button } from '@mantine/core';
import { IconBuilding } from '@tabler/icons-react';
import { ssoApi } from '../api/sso.ts';
import { useIntl } from 'react-intl';
import { defineMessages } from '../i18n/define.ts';

const m = defineMessages({
  enterEmail: { id: 'components.company_sign_in.enter_email', defaultMessage: 'Enter your work e-mail address above first.' },
  noCompany: { id: 'components.company_sign_in.no_company', defaultMessage: '{domain} does not sign in with a company account here. Use your password.' },
  checkFailed: { id: 'components.company_sign_in.check_failed', defaultMessage: 'We could not check your address just now. Try again in a moment.' },
  button: { id: 'components.company_sign_in.button', defaultMessage: 'Sign in with your company' },
});

export function CompanySignInButton({ email, returnTo }: { email: string; returnTo?: string | null }) {
  const intl = useIntl();
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const go = async () => {
    setNote(null);
    const address = email.trim();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address)) {
      setNote(intl.formatMessage(m.enterEmail));
      return;
    }
    setBusy(true);
    try {
      const r = await ssoApi.discover(address);
      if (r.routed && r.start_url) {
        window.location.assign(r.start_url + (returnTo ? `&return_to=${encodeURIComponent(returnTo)}` : ''));
        return;
      }
      setNote(intl.formatMessage(m.noCompany, { domain: address.split('@')[1] }));
    } catch {
      setNote(intl.formatMessage(m.checkFailed));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button variant="default" fullWidth leftSection={<IconBuilding size={16} />} loading={busy} onClick={() => void go()} data-testid="company-sign-in">
        {intl.formatMessage(m.button)}
      </Button>
      {note && (
        <Alert color="blue" variant="light" role="status">
          {note}
        </Alert>
      )}
    </>
  );
}
