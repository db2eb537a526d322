import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../platform/clock.ts';
import { sha256 } from '../../platform/crypto.ts';
import { SessionIndex } from './session-index.ts';

const clock = new ManualClock('2026-11-23T10:00:00Z');
const row = (cookie: string, o: { userId?: string; lastSeen?: string; expires?: string } = {}) => ({
  id: sha256(cookie),
  user_id: o.userId ?? 'usr_1',
  csrf_token: 'csrf-' + cookie,
  last_seen_at: o.lastSeen ?? clock.now().toISOString(),
  expires_at: o.expires ?? new Date(clock.nowMs() + 3_600_000).toISOString(),
});

describe('SessionIndex', () => {
  it('vouches for a remembered session until it is idle or expired, and never for an unknown cookie', () => {
    const index = new SessionIndex({ clock, idleTimeoutSec: 600 });
    index.remember(row('a'), index.mark);
    expect(index.verify('a')).toMatchObject({ userId: 'usr_1', csrfToken: 'csrf-a' });
    expect(index.verify('b')).toBeNull();
    clock.advance(601_000);
    expect(index.verify('a')).toBeNull(); // idle by what this instance saw: ask the database
  });

  it('does not bring back a session ended while the database was being read (a logout applied in between)', () => {
    const index = new SessionIndex({ clock, idleTimeoutSec: 600 });
    index.remember(row('c'), index.mark);
    const mark = index.mark; // a request starts reading session c from the database…
    index.forget(sha256('c')); // …the session ends meanwhile…
    index.remember(row('c'), mark); // …and the request's (older) row must not revive it
    expect(index.verify('c')).toBeNull();
    index.remember(row('d'), index.mark); // a read that started after the change is kept
    expect(index.verify('d')).not.toBeNull();
  });

  it('never moves activity backwards when an older row is remembered', () => {
    const index = new SessionIndex({ clock, idleTimeoutSec: 600 });
    index.remember(row('e'), index.mark);
    clock.advance(300_000);
    index.remember(row('e', { lastSeen: new Date(clock.nowMs() - 500_000).toISOString() }), index.mark);
    clock.advance(250_000); // 550 s after the activity the index knows of
    expect(index.verify('e')).not.toBeNull();
  });

  it('forgets expired sessions on its flush schedule', async () => {
    const index = new SessionIndex({ clock, idleTimeoutSec: 600 });
    index.remember(row('f', { expires: new Date(clock.nowMs() + 60_000).toISOString() }), index.mark);
    index.remember(row('g'), index.mark);
    expect(index.size).toBe(2);
    clock.advance(60_000);
    await index.flush();
    expect(index.size).toBe(1);
    expect(index.verify('g')).not.toBeNull();
  });
});
