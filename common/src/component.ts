/**
 * The composition root every long-running component shares: read and
 * validate the configuration (a bad one stops the process with every bad
 * key, before anything starts), make the logger and the metrics registry,
 * log the masked configuration, start the component, and close it on
 * SIGTERM or SIGINT. Each component's main.ts is one call of this.
 */
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { maskConfig, type sharedSettings } from './config.js';
import { loadVersionInfo, type VersionInfo } from './dockerflow.js';
import { createLogger, type Logger } from './log.js';
import { createMetricsRegistry, type Registry } from './metrics.js';
import { closeOnSignals, exitOnCrash } from './service.js';

/** The settings every component has (see `sharedSettings`). */
export type SharedConfig = z.infer<z.ZodObject<typeof sharedSettings>>;

/** What a started component's root holds on to. */
export interface StartedComponent {
  close(): Promise<void>;
}

/** What {@link runComponent} hands to `start`. */
export interface ComponentContext {
  readonly log: Logger;
  readonly registry: Registry;
  readonly version: VersionInfo;
}

export interface ComponentSpec<Loaded extends { config: SharedConfig }> {
  /** The `service` of every log line and metric, e.g. `collector`. */
  readonly service: string;
  /** The component's package.json, for the version when no file says it. */
  readonly packageJson: URL;
  /** Reads the configuration (and whatever else is read with it); throws when bad. */
  readonly load: (env: NodeJS.ProcessEnv) => Loaded;
  /** More fields for the start-up log line. */
  readonly describe?: (loaded: Loaded) => Record<string, unknown>;
  readonly start: (
    loaded: Loaded,
    context: ComponentContext,
  ) => Promise<StartedComponent>;
}

export async function runComponent<Loaded extends { config: SharedConfig }>(
  spec: ComponentSpec<Loaded>,
): Promise<void> {
  let loaded: Loaded;
  try {
    loaded = spec.load(process.env);
  } catch (err) {
    process.stderr.write(
      `crashstats-${spec.service}: ${(err as Error).message}\n`,
    );
    process.exit(1);
  }
  const { config } = loaded;
  const pkg = JSON.parse(await readFile(spec.packageJson, 'utf8')) as {
    version: string;
  };
  const version = await loadVersionInfo(config.VERSION_FILE, pkg.version);
  const log = createLogger({
    service: spec.service,
    version: version.version,
    level: config.LOG_LEVEL,
    pretty: config.LOG_PRETTY,
  });
  log.info(
    { config: maskConfig(config), ...spec.describe?.(loaded) },
    `${spec.service} starting`,
  );
  exitOnCrash(log);
  const started = await spec.start(loaded, {
    log,
    registry: createMetricsRegistry(spec.service),
    version,
  });
  closeOnSignals(log, config.SHUTDOWN_TIMEOUT_MS, () => started.close());
}
