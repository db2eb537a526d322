/**
 * The contract between the command line (src/cli) and the commands a capability module
 * contributes (`keys rotate`, `gateway upstream-key`, …). It lives here, below both, so a module's
 * `*.cli.ts` depends on the contract and src/cli/extensions.ts lists the commands — no cycle.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.ts';

/** What `partnergate help <command>` prints about one command. */
export interface CommandHelp {
  command: string;
  /** one line for the command list */
  summary: string;
  /** usage lines, without the leading `partnergate ` */
  usage: string[];
  /** what it does, in a few sentences */
  description: string;
  options?: [flag: string, meaning: string][];
  examples: string[];
  /**
   * The command works on an existing installation (reads its database or secret): it refuses a
   * DATA_DIR without a database — or a PostgreSQL database without Partnergate's schema — instead
   * of creating an empty one.
   */
  needsInstallation?: boolean;
}

export interface CliCommand {
  command: string;
  /** its line(s) in the command list */
  usage: string;
  /** `partnergate help <command>`; without it the usage line is all the help there is */
  help?: Omit<CommandHelp, 'command'>;
  run(args: {
    config: Config;
    sub: string | undefined;
    /** the positional arguments after the subcommand */
    args: string[];
    values: Record<string, string | boolean | undefined>;
    withApp: (fn: (app: FastifyInstance) => Promise<number>) => Promise<number>;
  }): Promise<number>;
}
