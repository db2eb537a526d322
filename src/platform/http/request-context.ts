/** Who did what, from where: carried from the HTTP edge into services and the audit log. */
export type ActorType = 'user' | 'api_token' | 'app' | 'agency' | 'system' | 'anonymous';

export interface Actor {
  type: ActorType;
  userId: string | null;
  partnerId: string | null;
  clientId: string | null;
  agencyId: string | null;
}

export interface RequestContext {
  requestId: string;
  ip: string | null;
  userAgent: string | null;
  /** the browser's Accept-Language, for what is written to someone without a language of their own (an invitee, a reset link) */
  acceptLanguage?: string | null;
  actor: Actor;
}

export const ANONYMOUS: Actor = { type: 'anonymous', userId: null, partnerId: null, clientId: null, agencyId: null };

/** Context for work started by the system itself (CLI, seed, background jobs). */
export function systemContext(requestId: string, actor: Partial<Actor> = {}): RequestContext {
  return {
    requestId,
    ip: null,
    userAgent: null,
    actor: { type: 'system', userId: null, partnerId: null, clientId: null, agencyId: null, ...actor },
  };
}
