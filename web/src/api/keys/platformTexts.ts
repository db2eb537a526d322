/** Cache keys for the operator's words on the sign-in and consent pages. */
export const platformTextKeys = {
  all: ['platform-texts'] as const,
};
