#!/usr/bin/env node
// Runs the TypeScript sources directly, which needs Node >= 24 (native type stripping). Started
// by an older Node (a system Node 20, say), it re-runs itself with the Node 24 the package pins as
// a devDependency (the `node` package, resolved from here), or says in one line what is needed.
// Plain JavaScript that any Node can parse: nothing TypeScript is loaded before the check.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REQUIRED_MAJOR = 24;
const self = fileURLToPath(import.meta.url);

function pinnedNode() {
  const candidates = [path.resolve(path.dirname(self), '..', 'node_modules', 'node', 'bin', 'node')];
  try {
    candidates.push(path.join(path.dirname(createRequire(import.meta.url).resolve('node/package.json')), 'bin', 'node'));
  } catch {
    // not installed: only the first candidate (if any)
  }
  return candidates.find((c) => existsSync(c)) ?? null;
}

function refuse() {
  process.stderr.write(`partnergate: Node >= ${REQUIRED_MAJOR} is needed (this is Node ${process.versions.node}); run \`npm install\` for the pinned Node 24, or install Node 24.\n`);
  process.exit(1);
}

if (Number(process.versions.node.split('.')[0]) >= REQUIRED_MAJOR) {
  await import('../src/main.ts');
} else {
  const node = process.env.PARTNERGATE_REEXEC ? null : pinnedNode();
  if (!node) refuse();
  const child = spawn(node, [self, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, PARTNERGATE_REEXEC: '1' } });
  // The child is the server: pass on the signals that stop it, and exit the way it exits.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('error', refuse);
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}
