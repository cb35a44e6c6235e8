#!/usr/bin/env node
// Runs every test file of every workspace with node's test runner. Node 20
// does not discover .ts files by itself, so the files are listed here.
// Usage: node scripts/run-tests.mjs [--unit|--int] [path-filter...]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const workspaces = [
  'common',
  'testkit',
  'collector',
  'processor',
  'crontasks',
  'webapp',
  'operator',
];
const args = process.argv.slice(2);
const only = args.includes('--unit')
  ? 'unit'
  : args.includes('--int')
    ? 'int'
    : 'all';
const filters = args.filter((a) => !a.startsWith('--'));

function findTests(dir) {
  let found = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return found;
  }
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      found = found.concat(findTests(path));
    } else if (name.endsWith('.test.ts')) {
      found.push(relative(root, path));
    }
  }
  return found;
}

const files = workspaces
  .flatMap((w) => findTests(join(root, w, 'test')))
  .filter(
    (f) => only === 'all' || (only === 'int') === f.endsWith('.int.test.ts'),
  )
  .filter((f) => filters.length === 0 || filters.some((p) => f.includes(p)))
  .sort();

if (files.length === 0) {
  console.error('run-tests: no test files matched');
  process.exit(1);
}

const result = spawnSync(
  process.execPath,
  [
    '--conditions=source',
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=1',
    '--test-reporter=spec',
    ...files,
  ],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
