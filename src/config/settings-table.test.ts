import { readFileSync } from 'node:fs';
import path from 'node:path';
import Value from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { settingsTable, withSettingsTable } from './settings-table.ts';
import { SETTING_NAMES, settingSchema } from './settings.ts';

const REFERENCE = path.resolve(import.meta.dirname, '../../docs/operators/configuration.md');

describe('the settings schema', () => {
  it.each(SETTING_NAMES)('%s has a description, a default and, for a number, bounds', (name) => {
    const s = settingSchema(name);
    expect(s.description.length).toBeGreaterThan(10);
    expect(s.default !== undefined || s.defaultText !== undefined).toBe(true);
    if (s.type === 'integer') {
      expect(Number.isInteger(s.minimum) && Number.isInteger(s.maximum)).toBe(true);
      expect(s.maximum!).toBeGreaterThan(s.minimum!);
    }
    // a default is taken unchecked, so it must pass the schema itself (SECRET_KEY's '' means "generate one")
    if (s.default !== undefined && name !== 'SECRET_KEY') expect(Value.Check(s, s.default)).toBe(true);
  });

  it('refuses a value one past either bound, naming the setting, and takes the bounds themselves', () => {
    for (const name of SETTING_NAMES) {
      const s = settingSchema(name);
      if (s.type !== 'integer') continue;
      // the session timeouts are also checked against each other: give the other one room
      const room = name === 'SESSION_IDLE_TIMEOUT' ? { SESSION_ABSOLUTE_TIMEOUT: String(30 * 86400) } : name === 'SESSION_ABSOLUTE_TIMEOUT' ? { SESSION_IDLE_TIMEOUT: '60' } : {};
      for (const ok of [s.minimum!, s.maximum!]) expect(() => loadConfig({ ...room, [name]: String(ok) }), `${name}=${ok}`).not.toThrow();
      for (const bad of [s.minimum! - 1, s.maximum! + 1]) {
        expect(() => loadConfig({ ...room, [name]: String(bad) }), `${name}=${bad}`).toThrow(`Invalid setting ${name}: must be between ${s.minimum} and ${s.maximum}, got ${bad}`);
      }
    }
  });
});

describe("the configuration reference's settings table (docs/operators/configuration.md)", () => {
  it('is the one the schema writes (npm run generate:settings)', () => {
    const reference = readFileSync(REFERENCE, 'utf8');
    expect(reference).toContain(settingsTable());
    expect(withSettingsTable(reference), 'docs/operators/configuration.md is stale: run npm run generate:settings').toBe(reference);
  });

  it('names every setting with its default', () => {
    const table = settingsTable();
    expect(table).toContain('| `PORT` | `8080` | 0 – 65535 |');
    expect(table).toContain('| `PUBLIC_URL` | http://localhost:PORT |');
    expect(table.split('\n')).toHaveLength(SETTING_NAMES.length + 2);
  });
});
