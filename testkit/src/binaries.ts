import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** One pinned service in testkit/services.json. */
interface PinnedModule {
  readonly module: string;
  readonly version: string;
}

/** The shape of testkit/services.json. */
interface ServicesManifest {
  readonly natsServer: PinnedModule;
  readonly ferretdb: PinnedModule;
  readonly kubernetes: PinnedModule;
  readonly etcd: PinnedModule;
  readonly helm: PinnedModule;
}

const INSTALL_HINT =
  'Run `npm run services` (scripts/install-services.sh) to install it';

/**
 * The folder where scripts/install-services.sh caches the servers it builds:
 * `$CRASHSTATS_CACHE`, else `$XDG_CACHE_HOME/crashstats`, else
 * `~/.cache/crashstats`.
 */
export function servicesCacheDir(): string {
  const explicit = process.env.CRASHSTATS_CACHE;
  if (explicit) {
    return explicit;
  }
  const xdg = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(xdg, 'crashstats');
}

/** Reads the pinned versions; the file sits next to src/ and dist/ alike. */
async function readManifest(): Promise<ServicesManifest> {
  const url = new URL('../services.json', import.meta.url);
  return JSON.parse(await readFile(url, 'utf8')) as ServicesManifest;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Finds an executable by name in the folders of `$PATH`. */
async function findOnPath(name: string): Promise<string | undefined> {
  const folders = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const folder of folders) {
    const candidate = join(folder, name);
    if (await isExecutable(candidate)) {
      return candidate;
    }
  }
  return undefined;
}

/** Checks a path given through an environment variable. */
async function fromEnv(variable: string): Promise<string | undefined> {
  const path = process.env[variable];
  if (!path) {
    return undefined;
  }
  if (!(await isExecutable(path))) {
    throw new Error(
      `${variable}=${path} is not an executable file. ` +
        `Fix the path, or unset ${variable} and ${INSTALL_HINT}.`,
    );
  }
  return path;
}

/** A server that scripts/install-services.sh builds into the cache. */
interface CachedServer {
  /** Name used in messages, and of the binary. */
  readonly name: string;
  /** Its entry in testkit/services.json. */
  readonly key: keyof ServicesManifest;
  /** Environment variable that overrides the path. */
  readonly variable: string;
  /** Cache folder prefix, before `-<version>`; `name` by default. */
  readonly folder?: string;
}

const NATS_SERVER: CachedServer = {
  name: 'nats-server',
  key: 'natsServer',
  variable: 'CRASHSTATS_NATS_SERVER',
};

const FERRETDB: CachedServer = {
  name: 'ferretdb',
  key: 'ferretdb',
  variable: 'CRASHSTATS_FERRETDB',
};

const KUBE_APISERVER: CachedServer = {
  name: 'kube-apiserver',
  key: 'kubernetes',
  variable: 'CRASHSTATS_KUBE_APISERVER',
  folder: 'kubernetes',
};

const KUBE_CONTROLLER_MANAGER: CachedServer = {
  name: 'kube-controller-manager',
  key: 'kubernetes',
  variable: 'CRASHSTATS_KUBE_CONTROLLER_MANAGER',
  folder: 'kubernetes',
};

const ETCD: CachedServer = {
  name: 'etcd',
  key: 'etcd',
  variable: 'CRASHSTATS_ETCD',
};

const HELM: CachedServer = {
  name: 'helm',
  key: 'helm',
  variable: 'CRASHSTATS_HELM',
};

/** Resolves the override, else the cached build; throws with a hint. */
async function cachedServerBinary(server: CachedServer): Promise<string> {
  const override = await fromEnv(server.variable);
  if (override) {
    return override;
  }
  const { version } = (await readManifest())[server.key];
  const path = join(
    servicesCacheDir(),
    `${server.folder ?? server.name}-${version}`,
    server.name,
  );
  if (await isExecutable(path)) {
    return path;
  }
  throw new Error(
    `${server.name} ${version} was not found at ${path}. ` +
      `${INSTALL_HINT}, or set ${server.variable} to a ${server.name} binary.`,
  );
}

/**
 * Path of the nats-server binary: `$CRASHSTATS_NATS_SERVER`, else the build
 * cached by `npm run services`.
 *
 * @throws Error naming the missing path and how to install it.
 */
export async function natsServerBinary(): Promise<string> {
  return cachedServerBinary(NATS_SERVER);
}

/**
 * Path of the FerretDB binary: `$CRASHSTATS_FERRETDB`, else the build cached
 * by `npm run services`.
 *
 * @throws Error naming the missing path and how to install it.
 */
export async function ferretdbBinary(): Promise<string> {
  return cachedServerBinary(FERRETDB);
}

/**
 * Path of the redis-server binary: `$CRASHSTATS_REDIS_SERVER`, else the first
 * `redis-server` on `$PATH` (Debian's, installed by `npm run services`).
 *
 * @throws Error saying how to install it when none is found.
 */
export async function redisServerBinary(): Promise<string> {
  const variable = 'CRASHSTATS_REDIS_SERVER';
  const fromVariable = await fromEnv(variable);
  if (fromVariable) {
    return fromVariable;
  }
  const onPath = await findOnPath('redis-server');
  if (onPath) {
    return onPath;
  }
  throw new Error(
    `redis-server was not found in $${variable} or $PATH. ` +
      `${INSTALL_HINT}, or set ${variable} to a redis-server binary.`,
  );
}

/**
 * Path of kube-apiserver: `$CRASHSTATS_KUBE_APISERVER`, else the build cached
 * by `npm run services`.
 *
 * @throws Error naming the missing path and how to install it.
 */
export async function kubeApiserverBinary(): Promise<string> {
  return cachedServerBinary(KUBE_APISERVER);
}

/**
 * Path of kube-controller-manager: `$CRASHSTATS_KUBE_CONTROLLER_MANAGER`,
 * else the build cached by `npm run services`.
 *
 * @throws Error naming the missing path and how to install it.
 */
export async function kubeControllerManagerBinary(): Promise<string> {
  return cachedServerBinary(KUBE_CONTROLLER_MANAGER);
}

/**
 * Path of etcd: `$CRASHSTATS_ETCD`, else the build cached by
 * `npm run services`.
 *
 * @throws Error naming the missing path and how to install it.
 */
export async function etcdBinary(): Promise<string> {
  return cachedServerBinary(ETCD);
}

/**
 * Path of the helm (v4) binary: `$CRASHSTATS_HELM`, else the build cached by
 * `npm run services`.
 *
 * @throws Error naming the missing path and how to install it.
 */
export async function helmBinary(): Promise<string> {
  return cachedServerBinary(HELM);
}

/**
 * Path of the openssl binary: `$CRASHSTATS_OPENSSL`, else the first
 * `openssl` on `$PATH`.
 *
 * @throws Error saying how to install it when none is found.
 */
export async function opensslBinary(): Promise<string> {
  const variable = 'CRASHSTATS_OPENSSL';
  const path = (await fromEnv(variable)) ?? (await findOnPath('openssl'));
  if (path) {
    return path;
  }
  throw new Error(
    `openssl was not found in $${variable} or $PATH. ` +
      `${INSTALL_HINT}, or set ${variable} to an openssl binary.`,
  );
}
