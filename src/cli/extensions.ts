/** Commands contributed by capability modules (e.g. `keys rotate`). */
import type { Config } from '../config/config.ts';
import type { FastifyInstance } from 'fastify';
import type { CommandHelp } from './help.ts';
import { gatewayCommand, upstreamCommand } from '../modules/gateway/gateway.cli.ts';
import { keysCliExtension } from '../modules/oauth/keys.cli.ts';
import { serviceAccountCli } from '../modules/authz/service-account.cli.ts';
import { appsCliExtension } from '../modules/apps/apps.cli.ts';

export interface CliExtension {
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

export const CLI_EXTENSIONS: CliExtension[] = [upstreamCommand, gatewayCommand, keysCliExtension, serviceAccountCli, appsCliExtension];
