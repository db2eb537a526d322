/**
 * The serving process's last line of defence. Every database and Redis connection has its own
 * 'error' listener and every background loop catches its own failures; this is for the one that
 * slipped through. A database or Redis that went away must never exit the process — every other
 * instance would exit with it at the same moment (a fault-injection run saw 14 of 14 exit within 1.5 s) — so such an
 * error is logged and the process goes on; anything else is a bug whose state nobody knows, and
 * the process exits as Node would have.
 */
import { isStoreUnavailable } from './store-errors.ts';

export interface GuardLog {
  error(obj: object, msg: string): void;
  fatal(obj: object, msg: string): void;
}

/** Installs the process-wide handlers; returns a function that removes them. */
export function installProcessGuard(log: GuardLog, exit: (code: number) => void = (code) => process.exit(code)): () => void {
  const onFailure = (kind: string) => (err: unknown) => {
    if (isStoreUnavailable(err)) {
      log.error({ err }, `${kind} from a database or Redis that is unavailable (the process goes on)`);
      return;
    }
    log.fatal({ err }, `${kind}: exiting`);
    exit(1);
  };
  const onRejection = onFailure('unhandled rejection');
  const onException = onFailure('uncaught exception');
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
