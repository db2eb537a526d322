/** Cache keys for the operator's list of people. */
export const userKeys = {
  all: ['users'] as const,
  list: (q: string, status: string | null) => ['users', 'list', q, status] as const,
};
