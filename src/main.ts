/** Entry point: hand the command line to the CLI (serve, migrate, admin, seed, audit, keys). */
import { runCli } from './cli/cli.ts';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const e = err as Error;
    process.stderr.write(`partnergate: ${e?.message ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
