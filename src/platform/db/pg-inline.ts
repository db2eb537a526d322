/**
 * Parameters written into a statement's text as SQL literals, as pg would have sent them (text,
 * their type left to the server): what lets a statement share one simple-protocol message with its
 * context, its BEGIN or its COMMIT (pg-context-dialect.ts).
 */
import { sqlLiteral } from './db-context.ts';

/** A parameter as an SQL literal, as pg would have sent it (text, type left to the server); null when it does not inline. */
export function literalOf(v: unknown): string | null {
  if (v === null || v === undefined) return 'NULL';
  let text: string;
  if (typeof v === 'string') text = v;
  else if (typeof v === 'number') {
    if (!Number.isFinite(v)) return null;
    text = String(v);
  } else if (typeof v === 'bigint' || typeof v === 'boolean') text = String(v);
  else return null;
  if (text.includes('\0')) return null;
  return sqlLiteral(text);
}

const IDENT_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;

/**
 * The statement with its `$n` placeholders replaced by the parameters as literals — what lets the
 * context and the statement share one simple-protocol message. Placeholders are found outside
 * string literals, quoted identifiers, comments and dollar-quoted bodies. A parameter kept as an
 * untyped literal resolves exactly as pg's untyped text parameter does. null when a parameter
 * does not inline (the caller then sends it with its parameters).
 */
export function inlineParameters(text: string, params: readonly unknown[]): string | null {
  let out = '';
  let last = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === "'") {
      // E'…' strings take backslash escapes; others only '' (standard_conforming_strings)
      const escapes = i > 0 && (text[i - 1] === 'E' || text[i - 1] === 'e') && (i < 2 || !IDENT_CHAR.test(text[i - 2]));
      for (i++; i < n; i++) {
        if (escapes && text[i] === '\\') i++;
        else if (text[i] === "'") {
          if (text[i + 1] !== "'") break;
          i++;
        }
      }
      i++;
    } else if (c === '"') {
      for (i++; i < n; i++) {
        if (text[i] === '"') {
          if (text[i + 1] !== '"') break;
          i++;
        }
      }
      i++;
    } else if (c === '-' && text[i + 1] === '-') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      let depth = 1;
      for (i += 2; i < n && depth > 0; i++) {
        if (text[i] === '/' && text[i + 1] === '*') {
          depth++;
          i++;
        } else if (text[i] === '*' && text[i + 1] === '/') {
          depth--;
          i++;
        }
      }
    } else if (c === '$' && !(i > 0 && IDENT_CHAR.test(text[i - 1]))) {
      let j = i + 1;
      while (j < n && text[j] >= '0' && text[j] <= '9') j++;
      if (j > i + 1) {
        const k = Number(text.slice(i + 1, j));
        if (k < 1 || k > params.length) return null;
        const lit = literalOf(params[k - 1]);
        if (lit === null) return null;
        out += text.slice(last, i) + lit;
        last = i = j;
        continue;
      }
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 66))?.[0];
      if (tag === undefined) {
        i++;
        continue;
      }
      const end = text.indexOf(tag, i + tag.length);
      if (end < 0) return null;
      i = end + tag.length;
    } else i++;
  }
  return out + text.slice(last);
}
