/**
 * The notices' container, on its own so main.tsx can load it after the first screen: query.ts writes notices to
 * Mantine's store (a few hundred bytes, in the first download), this renders them with their transitions.
 */
export { Notifications } from '@mantine/notifications';
