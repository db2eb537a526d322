/** The event catalog: its document is current, its names are unique and dotted past tense, the backoff grows. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, eventsMarkdown, retryDelayMs } from '../../../src/modules/notifications/index.ts';

describe('the event catalog', () => {
  it('docs/events.md is what `npm run generate:events` writes', () => {
    expect(readFileSync(path.resolve(import.meta.dirname, '../../../docs/events.md'), 'utf8')).toBe(eventsMarkdown());
  });

  it('has unique, dotted names, a version and plain-words labels', () => {
    const names = EVENT_TYPES.map((e) => e.type);
    expect(new Set(names).size).toBe(names.length);
    for (const e of EVENT_TYPES) {
      expect(e.type).toMatch(/^[a-z_]+\.[a-z_]+$/);
      expect(e.version).toBeGreaterThanOrEqual(1);
      expect(e.label).not.toMatch(/[._]/);
    }
    expect(names).toEqual(expect.arrayContaining(['delegation.requested', 'delegation.approved', 'delegation.rejected', 'delegation.revoked', 'delegation.expiring', 'delegation.expired', 'delegation.extended', 'delegation.activated', 'consent.granted', 'consent.revoked', 'partner.approved', 'partner.suspended', 'partner.terminated', 'invitation.sent', 'alert.raised', 'alert.resolved']));
  });

  it('retries back off exponentially: 30 s, 2 min, 8 min, 32 min … at most 10 h', () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([30_000, 120_000, 480_000, 1_920_000]);
    expect(retryDelayMs(20)).toBe(10 * 3600_000);
  });
});
