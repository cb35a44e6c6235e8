#!/usr/bin/env node
// crashstats-signify: crash signature of one crash-data JSON document on
// stdin. Runs the built CLI (dist/cli/signify.js) when present, otherwise
// the TypeScript source through tsx.
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli/signify.js', import.meta.url);
let cli;
if (existsSync(built)) {
  cli = await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(new URL('../src/cli/signify.ts', import.meta.url).href);
}
process.exitCode = await cli.main(process.argv.slice(2));
