/** Commands contributed by capability modules (e.g. `keys rotate`); the contract is src/platform/cli-command.ts. */
import type { CliCommand } from '../platform/cli-command.ts';
import { gatewayCommand, upstreamCommand } from '../modules/gateway/gateway.cli.ts';
import { keysCliExtension } from '../modules/oauth/keys.cli.ts';
import { serviceAccountCli } from '../modules/authz/service-account.cli.ts';
import { appsCliExtension } from '../modules/apps/apps.cli.ts';
import { importCliExtension } from '../modules/datafeeds/import.cli.ts';

export type { CliCommand } from '../platform/cli-command.ts';

export const CLI_EXTENSIONS: CliCommand[] = [upstreamCommand, gatewayCommand, keysCliExtension, serviceAccountCli, appsCliExtension, importCliExtension];
