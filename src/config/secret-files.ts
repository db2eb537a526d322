/**
 * Secret settings read from files: `DATABASE_URL_FILE=/run/secrets/database-url` instead of
 * `DATABASE_URL=…`, the convention of Docker secrets and of Kubernetes Secrets mounted as volumes
 * (the official postgres and redis images read `POSTGRES_PASSWORD_FILE` the same way). A value in a
 * file stays out of the process environment, where `/proc/<pid>/environ`, `docker inspect` and a
 * crash report would show it.
 *
 * Only the settings marked `secret` in settings.ts have a `_FILE` form; the file's text is the value,
 * less its trailing line breaks (what `echo` and most editors add), and then checked like any other.
 */
import { readFileSync } from 'node:fs';
import { SETTING_NAMES, settingSchema, type SettingName } from './settings.ts';

/** The settings that may be given as `<NAME>_FILE`: every one marked secret. */
export const FILE_SETTINGS: readonly SettingName[] = SETTING_NAMES.filter((n) => settingSchema(n).secret === true);

/** `<NAME>_FILE` for a setting. */
export const fileVariable = (name: string) => `${name}_FILE`;

/** A problem with a `_FILE` variable: the variable's name and why (never the file's text). */
export class SecretFileError extends Error {
  readonly variable: string;
  constructor(variable: string, problem: string) {
    super(problem);
    this.variable = variable;
  }
}

const FILE_NAMES = new Set(FILE_SETTINGS.map(fileVariable));
const OTHER_NAMES = new Map(SETTING_NAMES.filter((n) => !FILE_SETTINGS.includes(n)).map((n) => [fileVariable(n), n]));

/**
 * The secret settings the environment gives through files, read: name → the file's text. A
 * `_FILE` variable of a setting that is not secret (PORT_FILE) is refused rather than ignored, and
 * so is a setting given both ways (`given(name)` says whether it is set otherwise).
 */
export function readSecretFiles(env: Record<string, string | undefined>, given: (name: SettingName) => boolean): Map<SettingName, string> {
  const out = new Map<SettingName, string>();
  for (const [variable, file] of Object.entries(env)) {
    if (file === undefined || file === '') continue;
    const other = OTHER_NAMES.get(variable);
    if (other) throw new SecretFileError(variable, `only secret settings are read from files (${FILE_SETTINGS.map(fileVariable).join(', ')}); set ${other} itself`);
    if (!FILE_NAMES.has(variable)) continue;
    const name = variable.slice(0, -'_FILE'.length) as SettingName;
    if (given(name)) throw new SecretFileError(variable, `${name} is set too: give the value one way, ${name} or ${variable}`);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new SecretFileError(variable, `cannot read ${JSON.stringify(file)} (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    }
    const value = text.replace(/[\r\n]+$/, '');
    if (value === '') throw new SecretFileError(variable, `${JSON.stringify(file)} is empty`);
    out.set(name, value);
  }
  return out;
}
