/**
 * The signed-in user: loaded from GET /api/v1/me at start, replaced on login, cleared on
 * logout or when any request answers 401. Keeps the CSRF token for the API client.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api, ApiError, onUnauthorized, setCsrfToken, type Me } from '../api/index.ts';
import { isSecondStep, security, type LoginResponse, type LoginSecondStep } from '../api/security.ts';
import { FormattedMessage } from 'react-intl';
import { defineMessages } from '../i18n/define.ts';

const m = defineMessages({
  expired: { id: 'shell.session.expired', defaultMessage: 'Your session has expired. Log in again.' },
  loggedOut: { id: 'shell.session.logged_out', defaultMessage: 'You have been logged out. Log in again.' },
});

const ACTIVE_TENANT_KEY = 'partnergate.activeTenant';

export interface Session {
  /** undefined while loading, null when nobody is signed in */
  me: Me | null | undefined;
  /** why the last session ended, e.g. "Your session has expired" (a message, shown in the reader's language) */
  endedReason: ReactNode | null;
  activeTenantId: string | null;
  setActiveTenantId(id: string): void;
  /** signed in (Me), or the account has a second factor: the second step to complete with finishLogin */
  login(email: string, password: string): Promise<Me | LoginSecondStep>;
  /** after the sign-in second step */
  finishLogin(r: LoginResponse): Me;
  /** ends the session; the provider's sign-out page to go on to when single sign-on made it, else null */
  logout(): Promise<string | null>;
  refresh(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

function readStoredTenant(): string | null {
  try {
    return window.localStorage.getItem(ACTIVE_TENANT_KEY);
  } catch {
    return null;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [endedReason, setEndedReason] = useState<ReactNode | null>(null);
  const [activeTenantId, setActive] = useState<string | null>(readStoredTenant);

  const queryClient = useQueryClient();
  const accept = useCallback(
    (m: Me | null, csrf?: string | null) => {
      setCsrfToken(m ? (csrf ?? m.csrf_token) : null);
      // Another person (or nobody) now: nothing cached for the previous one may show.
      setMe((prev) => {
        if (prev?.user.id !== m?.user.id) queryClient.clear();
        return m;
      });
    },
    [queryClient],
  );

  const refresh = useCallback(async () => {
    try {
      accept(await api.auth.me());
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) accept(null);
      else throw err;
    }
  }, [accept]);

  useEffect(() => {
    refresh().catch(() => accept(null));
    return onUnauthorized((err) => {
      // the provider sits outside the language's provider: the message is formatted where it is shown
      setEndedReason(<FormattedMessage {...(err.code === 'session_expired' ? m.expired : m.loggedOut)} />);
      accept(null);
    });
  }, [refresh, accept]);

  const value = useMemo<Session>(
    () => ({
      me,
      endedReason,
      activeTenantId,
      setActiveTenantId(id: string) {
        setActive(id);
        try {
          window.localStorage.setItem(ACTIVE_TENANT_KEY, id);
        } catch {
          // storage may be disabled; the choice then lasts for this page only
        }
      },
      async login(email, password) {
        const r = await security.login(email, password);
        if (isSecondStep(r)) return r;
        setEndedReason(null);
        accept(r.me, r.csrf_token);
        return r.me;
      },
      finishLogin(r) {
        setEndedReason(null);
        accept(r.me, r.csrf_token);
        return r.me;
      },
      async logout() {
        try {
          return (await api.auth.logout())?.continue_at ?? null;
        } finally {
          setEndedReason(null);
          accept(null);
        }
      },
      refresh,
    }),
    [me, endedReason, activeTenantId, accept, refresh],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The signed-in user; only for pages rendered inside the authenticated shell. */
export function useMe(): Me {
  const { me } = useSession();
  if (!me) throw new Error('useMe without a signed-in user');
  return me;
}
