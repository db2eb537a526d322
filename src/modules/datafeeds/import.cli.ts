/**
 * `partnergate import <kind> <file> --source <id>`: a CSV file through a data source, as the
 * portal's Import does — each row checked, rows with errors reported (row, field, reason) and
 * skipped, the others applied through the source's applier. `--json` prints the whole result.
 */
import { readFileSync } from 'node:fs';
import type { CliCommand } from '../../platform/cli-command.ts';
import { systemContext } from '../../platform/http/request-context.ts';
import { AppError } from '../../platform/errors/app-error.ts';
import { IMPORT_KINDS } from './csv-import.ts';
import { dataFeeds } from './index.ts';

export const importCliExtension: CliCommand = {
  command: 'import',
  usage: `  import <kind> <file> --source ID [--json]  apply a CSV file of one kind of record through a data source`,
  help: {
    summary: 'apply a CSV file of one kind of record through a data source',
    usage: ['import <kind> <file> --source ID [--json]'],
    description: `Reads the CSV file (a header row, then one row per record; columns matched to the kind's fields by their names, as in the portal's templates), reports each row with an error and skips it, and applies the others through the data source — the sync API's rules: idempotent by external id and version, lines naming an unknown billing account held, the source's kinds and customers. Kinds: ${IMPORT_KINDS.join(', ')}. Exits 1 when a row was refused or had an error.`,
    options: [
      ['--source ID', 'the data source (dsrc_…) the records come from'],
      ['--json', 'print the result as JSON'],
    ],
    examples: ['partnergate import invoice invoices.csv --source dsrc_01jd9x0a8q4m7w2k3v5b6c8d9e'],
    needsInstallation: true,
  },
  async run({ sub, args, values, withApp }) {
    const file = args[0];
    const source = typeof values.source === 'string' ? values.source : undefined;
    if (!sub || !file || !source) {
      process.stderr.write(`usage: partnergate import <kind> <file> --source ID [--json]\nkinds: ${IMPORT_KINDS.join(', ')}\n`);
      return 2;
    }
    let csv: string;
    try {
      csv = readFileSync(file, 'utf8');
    } catch (e) {
      process.stderr.write(`partnergate: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
      return 1;
    }
    return withApp(async (app) => {
      try {
        const r = await dataFeeds(app.services).imports.apply(systemContext('cli-import'), source, sub, csv, undefined, true);
        if (values.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
        else {
          process.stdout.write(`${r.rows} rows: ${r.applied} applied, ${r.unchanged} unchanged, ${r.held} held, ${r.rejected} refused, ${r.skipped} with errors (not sent)\n`);
          for (const e of r.errors) process.stdout.write(`row ${e.row}${e.field ? ` ${e.field}` : ''}: ${e.reason}\n`);
        }
        return r.errors.length > 0 ? 1 : 0;
      } catch (e) {
        if (e instanceof AppError) {
          process.stderr.write(`partnergate: ${e.detail}\n`);
          return 1;
        }
        throw e;
      }
    });
  },
};
