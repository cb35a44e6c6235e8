// Shared start of the processor's commands: runs the built CLI
// (dist/cli/<name>.js) when present; otherwise runs the TypeScript source
// in a child node with tsx and the `source` export condition (so the
// workspace packages resolve to their sources too), passing stdin, stdout,
// stderr and the exit code through.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** @param {string} name - the CLI module under src/cli (and dist/cli) */
export async function launch(name) {
  const built = new URL(`../dist/cli/${name}.js`, import.meta.url);
  const args = process.argv.slice(2);
  if (existsSync(built)) {
    const cli = await import(built.href);
    process.exitCode = await cli.main(args);
    return;
  }
  const source = fileURLToPath(
    new URL(`../src/cli/${name}.ts`, import.meta.url),
  );
  const child = spawnSync(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      import.meta.resolve('tsx'),
      source,
      ...args,
    ],
    { stdio: 'inherit' },
  );
  if (child.error) {
    throw child.error;
  }
  process.exitCode = child.status ?? 1;
}
