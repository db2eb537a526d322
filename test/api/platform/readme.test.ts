/**
 * The README is part of the product: its first commands must stay true, and the configuration reference it
 * links (docs/operators/configuration.md) must document every setting.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../../../src/config/config.ts';

const readme = readFileSync(path.resolve(import.meta.dirname, '../../../README.md'), 'utf8');
const configuration = readFileSync(path.resolve(import.meta.dirname, '../../../docs/operators/configuration.md'), 'utf8');
const pkg = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../../package.json'), 'utf8'));

describe('README', () => {
  it('starts with the two set-up commands', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(firstBlock).toContain('npm install && npm start');
    expect(firstBlock).toContain('npm test');
    expect(pkg.scripts.start).toBeTruthy();
    expect(pkg.scripts.test).toBeTruthy();
  });

  it('stays a short page that links the configuration reference', () => {
    expect(Buffer.byteLength(readme)).toBeLessThan(10 * 1024);
    expect(readme).toContain('](docs/operators/configuration.md)');
  });

  it('links a configuration reference that documents every setting', () => {
    for (const name of Object.keys(SETTINGS)) expect(configuration, name).toContain(`| \`${name}\` |`);
  });
});
