/** The catalogs as the build serves them, parsed (web/vite.config.ts). */
declare module 'virtual:messages/*' {
  import type { MessageFormatElement } from 'react-intl';
  const catalog: Record<string, MessageFormatElement[]>;
  export default catalog;
}
