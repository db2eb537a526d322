/**
 * The problem details the portal's modules say to a person are translated: every message of each module's
 * `<m>.problem-details.ts`, formatted through the problem builder with values for its placeholders, reads
 * differently in French and German than in English and leaves no `{placeholder}` unfilled. (The catalog test
 * checks ids and placeholders; this one checks what a reader gets.)
 */
import { globSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/platform/errors/app-error.ts';
import { problemFrom } from '../../../src/platform/errors/problem.ts';
import type { MessageDescriptor } from '../../../src/platform/i18n/intl.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const FILES = globSync('src/modules/*/*.problem-details.ts', { cwd: ROOT }).sort();

/** A value for each placeholder of an English message (a select's value is one of its keys). */
function valuesFor(text: string): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const m of text.matchAll(/\{(\w+)(?:\}|, (\w+))/g)) out[m[1]] = m[2] === 'select' ? 'primary_color' : m[2] === 'plural' || m[2] === 'number' ? 3 : `«${m[1]}»`;
  return out;
}

function detailIn(message: MessageDescriptor, locale: 'en' | 'fr' | 'de'): string {
  const err = new AppError('validation_failed', 400, message, { values: valuesFor(String(message.defaultMessage)) });
  return problemFrom(err, 'req_test', undefined, locale).detail;
}

describe('problem details in French and German', () => {
  it('every module the portal calls has its details as messages', () => {
    const modules = FILES.map((f) => f.split('/')[2]);
    for (const m of ['identity', 'partners', 'delegations', 'tenants', 'apps', 'oauth', 'sso', 'notifications', 'program', 'resources', 'datasources', 'plans', 'accessrequests', 'agencies', 'branding', 'domains', 'auditstream', 'purposes', 'gateway']) {
      expect(modules).toContain(m);
    }
  });

  it.each(FILES)('%s: each detail is translated, its values filled', async (file) => {
    const { problemDetails } = (await import(path.join(ROOT, file))) as { problemDetails: Record<string, MessageDescriptor> };
    const messages = Object.values(problemDetails);
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages) {
      const en = detailIn(m, 'en');
      for (const locale of ['fr', 'de'] as const) {
        const said = detailIn(m, locale);
        expect(said, `${m.id} in ${locale}`).not.toBe(en);
        expect(said, `${m.id} in ${locale}`).not.toMatch(/\{\w+\}/);
        // the values reach the reader
        for (const v of Object.values(valuesFor(String(m.defaultMessage)))) if (typeof v === 'string' && v !== 'primary_color') expect(said, m.id).toContain(v);
      }
    }
  });
});
