/** Cache keys for your own account: invitations, API tokens, second factors, links in e-mails. */
export const authKeys = {
  invitation: (token: string) => ['auth', 'invitation', token] as const,
  myInvitations: ['auth', 'my-invitations'] as const,
  tokens: ['auth', 'api-tokens'] as const,
  passwordReset: (token: string) => ['auth', 'password-reset', token] as const,
  /** your second factors (GET /me/security) */
  security: ['auth', 'security'] as const,
};
