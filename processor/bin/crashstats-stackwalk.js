#!/usr/bin/env node
// crashstats-stackwalk: walks the stacks of one minidump and prints
// minidump-stackwalk JSON or text. Runs the built CLI
// (dist/cli/stackwalk.js) when present, otherwise the TypeScript source
// through tsx.
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli/stackwalk.js', import.meta.url);
let cli;
if (existsSync(built)) {
  cli = await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(new URL('../src/cli/stackwalk.ts', import.meta.url).href);
}
process.exitCode = await cli.main(process.argv.slice(2));
