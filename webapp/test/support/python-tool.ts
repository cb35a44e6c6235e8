/**
 * A Python command-line tool from PyPI in a virtualenv of its own, made
 * once per version in the user's cache folder (outside the clone), as the
 * other test servers are.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The cache folder the install scripts use too. */
export function cacheDir(): string {
  return (
    process.env.CRASHSTATS_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'crashstats')
  );
}

/**
 * The bin folder of a virtualenv holding `pkg==version`, created and
 * installed from PyPI when missing.
 */
export async function pythonTool(
  pkg: string,
  version: string,
): Promise<string> {
  const venv = join(cacheDir(), `${pkg}-${version}-venv`);
  const bin = join(venv, 'bin');
  const marker = join(venv, '.installed');
  if (!existsSync(marker)) {
    await run('python3', ['-m', 'venv', '--clear', venv]);
    await run(
      join(bin, 'pip'),
      [
        'install',
        '--quiet',
        '--disable-pip-version-check',
        `${pkg}==${version}`,
      ],
      {
        timeout: 300_000,
      },
    );
    await run('touch', [marker]);
  }
  return bin;
}
