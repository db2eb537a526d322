/**
 * The gateway's route table: which upstream serves a path prefix, and for each method + path
 * pattern under it, the permission the request needs and its rate-limit class. Built from the
 * reference service's routes (shipped configured) plus the operator's GATEWAY_ROUTES (a rule may
 * declare the purpose its calls serve). A path
 * under a known prefix that matches no rule is refused (deny by default).
 */
import type { GatewayRouteConfig } from '../../config/config.ts';

export interface GatewayRule {
  method: string;
  /** the public pattern, e.g. /resources/v1/orders/:order_id */
  pattern: string;
  /** null: needs only an effective access to the tenant */
  permission: string | null;
  rateClass: string;
  upstream: UpstreamTarget;
  prefix: string;
  tenantScoped: boolean;
  /**
   * the purpose the route's calls serve (purpose-bound consent): a partner's access must hold it,
   * and a request naming another is refused; null: none. The operator's choice in the purpose
   * catalog, else `declaredPurpose`; set again whenever the catalog changes.
   */
  purpose: string | null;
  /** the purpose the route table declares (a GATEWAY_ROUTES rule's `purpose`); null: none */
  declaredPurpose: string | null;
}

/** Where a prefix is forwarded; the base URL of the built-in upstream is known only once it listens. */
export interface UpstreamTarget {
  /** `reference-resources`, or the operator's GATEWAY_ROUTES name */
  name: string;
  baseUrl: string | null;
  /** the key the gateway signs this upstream's assertions with (deriveUpstreamKey of its name) */
  assertionKey: Buffer;
}

interface Compiled {
  rule: GatewayRule;
  segments: string[];
}

export type RouteMatch = { kind: 'rule'; rule: GatewayRule } | { kind: 'method_not_allowed'; allowed: string[] } | { kind: 'unknown_path' } | { kind: 'no_prefix' };

export function joinPath(prefix: string, path: string): string {
  const p = prefix.replace(/\/+$/, '');
  if (path === '' || path === '/') return p || '/';
  return p + (path.startsWith('/') ? path : '/' + path);
}

function segmentsOf(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

export class RouteTable {
  readonly rules: GatewayRule[] = [];
  readonly #compiled: Compiled[] = [];
  readonly #prefixes: { prefix: string; upstream: UpstreamTarget }[] = [];
  #version = 0;

  /** bumped by every rule added: what a cache of match() answers is valid for */
  get version(): number {
    return this.#version;
  }

  add(rule: GatewayRule): void {
    this.#version++;
    this.rules.push(rule);
    this.#compiled.push({ rule, segments: segmentsOf(rule.pattern) });
    if (!this.#prefixes.some((p) => p.prefix === rule.prefix)) {
      this.#prefixes.push({ prefix: rule.prefix, upstream: rule.upstream });
      // longest prefix first
      this.#prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
    }
  }

  /** Add an operator route from the config file, signed with its upstream's own key. */
  addConfigured(r: GatewayRouteConfig, assertionKey: Buffer): void {
    const upstream: UpstreamTarget = { name: r.name, baseUrl: r.upstream, assertionKey };
    for (const rule of r.rules) {
      this.add({
        method: rule.method.toUpperCase(),
        pattern: joinPath(r.prefix, rule.path),
        permission: rule.permission,
        rateClass: rule.rate_class ?? (rule.method.toUpperCase() === 'GET' ? 'read' : 'write'),
        upstream,
        prefix: r.prefix.replace(/\/+$/, ''),
        tenantScoped: r.tenant_scoped !== false,
        purpose: rule.purpose ?? null,
        declaredPurpose: rule.purpose ?? null,
      });
    }
  }

  get prefixes(): readonly string[] {
    return this.#prefixes.map((p) => p.prefix);
  }

  /** The rule for a method and a path (no query string). */
  match(method: string, path: string): RouteMatch {
    const prefix = this.#prefixes.find((p) => path === p.prefix || path.startsWith(p.prefix + '/'));
    if (!prefix) return { kind: 'no_prefix' };
    const segs = segmentsOf(path);
    const allowed: string[] = [];
    const m = method === 'HEAD' ? 'GET' : method;
    for (const c of this.#compiled) {
      if (c.rule.prefix !== prefix.prefix || c.segments.length !== segs.length) continue;
      let ok = true;
      for (let i = 0; i < segs.length; i++) {
        const s = c.segments[i];
        if (s.charCodeAt(0) === 58 /* : */) {
          if (segs[i] === '' || segs[i].length > 200) {
            ok = false;
            break;
          }
        } else if (s !== segs[i]) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      if (c.rule.method === m) return { kind: 'rule', rule: c.rule };
      allowed.push(c.rule.method);
    }
    return allowed.length ? { kind: 'method_not_allowed', allowed } : { kind: 'unknown_path' };
  }
}
