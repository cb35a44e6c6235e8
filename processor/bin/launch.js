// Shared start of the processor's commands: runs the built CLI
// (dist/cli/<name>.js) when present, otherwise the TypeScript source
// through tsx, and exits with the code its main() returns.
import { existsSync } from 'node:fs';

/** @param {string} name - the CLI module under src/cli (and dist/cli) */
export async function launch(name) {
  const built = new URL(`../dist/cli/${name}.js`, import.meta.url);
  let cli;
  if (existsSync(built)) {
    cli = await import(built.href);
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    cli = await import(new URL(`../src/cli/${name}.ts`, import.meta.url).href);
  }
  process.exitCode = await cli.main(process.argv.slice(2));
}
