/** Entry point: hand the command line to the CLI (serve, migrate, admin, seed, audit, keys). */
import { main } from './cli/cli.ts';

main(process.argv.slice(2), { env: process.env, out: process.stdout, err: process.stderr }).then((code) => {
  process.exitCode = code;
});
