/**
 * Ids in lists of at most IN_CHUNK, for `where id in (…)` reads: one statement per chunk instead of
 * one per id (the change feed's consumers re-read what a batch of changes names), and never a
 * statement with more parameters than a driver takes.
 */
export const IN_CHUNK = 500;

export function chunks<T>(xs: readonly T[], n: number = IN_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}
