import { useParams } from 'react-router';
import { useSession } from './SessionContext.tsx';
import { viewOf, type SessionView } from './access.ts';

/** The signed-in user's view for the current page: the tenant in the URL wins over the switcher's choice. */
export function useView(): SessionView {
  const { me, activeTenantId } = useSession();
  const params = useParams();
  if (!me) throw new Error('useView without a signed-in user');
  return viewOf(me, params.tenantId ?? activeTenantId);
}
