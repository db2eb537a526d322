import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable, mapDbError } from './db-errors.ts';

const err = (message: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), extra);

describe('a database that cannot be reached', () => {
  const unavailable: [string, unknown][] = [
    ['connection refused (server down)', err('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' })],
    ['connection reset (server killed)', err('read ECONNRESET', { code: 'ECONNRESET' })],
    ['connect to localhost: every address refused', Object.assign(new AggregateError([err('a', { code: 'ECONNREFUSED' }), err('b', { code: 'ECONNREFUSED' })], ''), {})],
    ['pg: connection terminated', err('Connection terminated unexpectedly')],
    ['pg: connect timeout', err('Connection terminated due to connection timeout', { cause: err('Connection terminated unexpectedly') })],
    ['pg-pool: no free client in time', err('timeout exceeded when trying to connect')],
    ['pg: query timeout (frozen server)', err('Query read timeout')],
    ['pg: a client that lost its connection', err('Client has encountered a connection error and is not queryable')],
    ['57P01 admin_shutdown (fast shutdown)', err('terminating connection due to administrator command', { code: '57P01' })],
    ['57P02 crash_shutdown', err('terminating connection because of crash of another server process', { code: '57P02' })],
    ['57P03 starting up', err('the database system is starting up', { code: '57P03' })],
    ['08006 connection failure', err('connection failure', { code: '08006' })],
    ['53300 too many connections', err('sorry, too many clients already', { code: '53300' })],
    ['0A000 a prepared statement outdated by a migration', err('cached plan must not change result type', { code: '0A000' })],
    ['wrapped as a cause', err('while loading', { cause: err('x', { code: 'ECONNREFUSED' }) })],
  ];
  it.each(unavailable)('%s → 503 database_unavailable with Retry-After', (_name, e) => {
    expect(isDatabaseUnavailable(e)).toBe(true);
    const mapped = mapDbError(e);
    expect([mapped?.status, mapped?.code, mapped?.headers?.['retry-after']]).toEqual([503, 'database_unavailable', '5']);
  });

  const other: [string, unknown][] = [
    ['unique violation', err('duplicate key', { code: '23505' })],
    ['syntax error', err('syntax error at or near', { code: '42601' })],
    ['undefined table', err('relation "x" does not exist', { code: '42P01' })],
    ['0A000 another feature not supported', err('FOR UPDATE is not allowed with aggregate functions', { code: '0A000' })],
    ['sqlite constraint', err('UNIQUE constraint failed: tenants.slug')],
    ['a plain bug', new TypeError('x is not a function')],
    ['not an error', 'ECONNREFUSED'],
    ['a cause cycle', (() => {
      const a = err('a') as Error & { cause?: unknown };
      const b = err('b', { cause: a });
      a.cause = b;
      return a;
    })()],
  ];
  it.each(other)('%s is not an outage', (_name, e) => {
    expect(isDatabaseUnavailable(e)).toBe(false);
    expect(mapDbError(e)?.code).not.toBe('database_unavailable');
  });
});
