import { describe, expect, it } from 'vitest';
import type { AuditBuffer } from '../../audit/index.ts';
import { audit, auditBacklog } from './audit.ts';
import { request, rule, stateWith, TENANT, testCore } from './steps.fixture.ts';

/** An audit buffer that records what it is given (the real one writes to a database: test/api/gateway covers it). */
function recordingBuffer() {
  const groups = new Map<string, number>();
  const events: unknown[] = [];
  return {
    pending: 0,
    spoolBroken: false,
    addToGroup: (key: string) => {
      if (!groups.has(key)) return false;
      groups.set(key, groups.get(key)! + 1);
      return true;
    },
    pushGrouped: (key: string, _r: unknown, build: () => unknown) => {
      groups.set(key, 1);
      events.push(build());
    },
    groups,
    events,
  };
}

describe('step audit', () => {
  it('refuses to serve while the access log cannot be written', () => {
    const g = testCore();
    expect(auditBacklog(g)).toBeUndefined();
    (g.auditBuffer as { spoolBroken: boolean }).spoolBroken = true;
    const r = auditBacklog(g);
    expect(r?.code).toBe('audit_backlog_full');
    expect(r?.headers?.['retry-after']).toBe('5');
  });

  it("records a partner's request on a customer tenant once per group, and nothing for a request on its own", () => {
    const buf = recordingBuffer();
    const g = { ...testCore(), auditBuffer: buf as unknown as AuditBuffer };
    const st = stateWith();
    st.partnerId = 'ptr_a';
    st.tenantId = TENANT;
    st.crossTenant = true;
    const rl = rule();
    audit(g, request(), rl, st, 200);
    audit(g, request({ requestId: 'req_2' }), rl, st, 200);
    expect(buf.events).toHaveLength(1);
    expect(buf.events[0]).toMatchObject({ entry: { action: 'gateway.request', tenantId: TENANT, outcome: 'success', targetId: 'GET /billing/invoices' } });
    expect([...buf.groups.values()]).toEqual([2]);
    st.crossTenant = false;
    audit(g, request({ requestId: 'req_3' }), rl, st, 200);
    expect(buf.events).toHaveLength(1);
  });
});
