// Starts one of the web app's commands. A build (dist/cli/<name>.js) is
// preferred; without one, the TypeScript source runs through tsx, with the
// `source` export condition added so workspace packages resolve to their
// sources too. The process exits with the code main() returns.
import { existsSync } from 'node:fs';
import { register } from 'node:module';

/** Resolve hook that adds the `source` condition to every lookup. */
const SOURCE_CONDITION_HOOK =
  'export async function resolve(specifier, context, next) {' +
  " return next(specifier, { ...context, conditions: [...context.conditions, 'source'] });" +
  ' }';

/** @param {string} name - the command's module under src/cli and dist/cli */
export async function launch(name) {
  const built = new URL(`../dist/cli/${name}.js`, import.meta.url);
  let command;
  if (existsSync(built)) {
    command = await import(built.href);
  } else {
    register(
      `data:text/javascript,${encodeURIComponent(SOURCE_CONDITION_HOOK)}`,
    );
    const tsx = await import('tsx/esm/api');
    tsx.register();
    command = await import(
      new URL(`../src/cli/${name}.ts`, import.meta.url).href
    );
  }
  process.exitCode = await command.main(process.argv.slice(2));
}
