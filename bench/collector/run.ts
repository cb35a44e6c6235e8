/**
 * Collector benchmark: starts NATS and a MongoDB-wire server through
 * testkit, runs the collector as a child process, drives the chosen
 * scenarios against it, checks storage, and prints and saves the numbers.
 *
 *   npm run bench:collector -- --duration 3      (a short smoke run)
 *   npm run bench:collector -- --help
 */
import os from 'node:os';
import { MongoClient } from 'mongodb';
import { mongoDatabaseName, startServices } from '@crashstats/testkit';
import {
  startCollectorProcess,
  type CollectorProcess,
} from './collector-process.js';
import { startMongoStub } from './mongo-stub.js';
import { natsServerVersion } from './nats-info.js';
import { readOptions } from './options.js';
import {
  findProcess,
  machineBusyCores,
  readVm,
  type Watched,
} from './procfs.js';
import {
  checkTargets,
  renderReport,
  writeJsonReport,
  type RunReport,
} from './report.js';
import { runScenario, type ScenarioResult } from './scenarios.js';
import { verifyStorage, verifyStub, type Verification } from './verify.js';

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Names the MongoDB-wire server: FerretDB reports its own version. */
async function describeMongo(url: string, external: boolean): Promise<string> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
  try {
    const info = await client.db('admin').command({ buildInfo: 1 });
    const ferret = info['ferretdbVersion'] as string | undefined;
    if (ferret) {
      return `FerretDB ${ferret} (SQLite backend, wire version ${String(info['version'])})`;
    }
    return `MongoDB ${String(info['version'])}${external ? ' (MONGODB_URL)' : ''}`;
  } catch {
    return external ? 'MONGODB_URL server' : 'FerretDB';
  } finally {
    await client.close();
  }
}

async function describeNats(url: string): Promise<string> {
  const version = await natsServerVersion(url).catch(() => 'unknown');
  return `nats-server ${version} (JetStream, file store)`;
}

function portOf(url: string): string {
  return new URL(url).port;
}

async function main(): Promise<number> {
  const options = readOptions(process.argv.slice(2), process.env);
  if (!options) {
    return 0;
  }
  const startedAt = new Date().toISOString();
  const useStub = options.storage === 'stub';
  log(
    useStub
      ? 'starting NATS (testkit) and the MongoDB-wire stub'
      : 'starting NATS and the MongoDB-wire server (testkit)',
  );
  const services = await startServices({ nats: true, mongo: !useStub });
  const stub = useStub ? await startMongoStub() : undefined;
  let collector: CollectorProcess | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanup = () => {
    cleaning ??= (async () => {
      if (collector) {
        log('stopping the collector');
        await collector.stop().catch((err: unknown) => log(String(err)));
      }
      log('stopping the servers');
      try {
        await stub?.close();
        await services[Symbol.asyncDispose]();
      } catch (err) {
        log(String(err));
      }
    })();
    return cleaning;
  };
  const onSignal = () => {
    log('interrupted; cleaning up');
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const database = mongoDatabaseName('bench');
    const mongo = services.mongo;
    const mongoUrl = stub?.url ?? mongo?.url ?? '';
    const mongoName = stub
      ? 'MongoDB-wire stub (stores nothing; collector ceiling only)'
      : await describeMongo(mongoUrl, mongo?.external ?? false);
    const natsName = await describeNats(services.nats.url);
    log(`MongoDB wire: ${mongoName}`);
    log(`NATS: ${natsName}`);

    log('starting the collector');
    collector = await startCollectorProcess({
      mongoUrl,
      database,
      natsUrl: services.nats.url,
      chunkBytes: options.chunkBytes,
      extraEnv: options.collectorEnv,
      nodeArgs: options.collectorNodeArgs,
    });
    log(`collector pid ${collector.pid} at ${collector.url}`);

    const watched: Watched[] = [{ name: 'collector', pid: collector.pid }];
    // FerretDB is found also behind MONGODB_URL when it runs on this machine.
    const mongoPort = stub ? '' : portOf(mongoUrl);
    const ferretPid = mongoPort
      ? await findProcess('ferretdb', `127.0.0.1:${mongoPort}`)
      : undefined;
    if (ferretPid !== undefined) {
      watched.push({ name: 'ferretdb', pid: ferretPid });
    }
    const natsPid = await findProcess(
      'nats-server',
      `testkit-${portOf(services.nats.url)}`,
    );
    if (natsPid !== undefined) {
      watched.push({ name: 'nats', pid: natsPid });
    }
    watched.push({ name: 'bench', pid: process.pid });
    log(`watching ${watched.map((w) => `${w.name} pid ${w.pid}`).join(', ')}`);

    const baselineMachineCores = await machineBusyCores(1000);
    const idleRss = (await readVm(collector.pid, 'VmRSS')) ?? 0;
    log(`collector RSS at rest: ${(idleRss / 1e6).toFixed(0)} MB`);
    log(
      `machine busy before the run: ${baselineMachineCores.toFixed(2)} cores`,
    );

    const crashIds: string[] = [];
    const scenarios: ScenarioResult[] = [];
    for (const name of options.scenarios) {
      log(`scenario ${name.toUpperCase()}`);
      const result = await runScenario(name, {
        options,
        collectorUrl: collector.url,
        watched,
        recordIds: (ids) => crashIds.push(...ids),
        log,
      });
      scenarios.push(result);
      log(
        `  ${result.load.accepted}/${result.load.sent} accepted in ` +
          `${result.load.elapsedSeconds.toFixed(1)} s`,
      );
    }

    log('checking storage');
    let verification: Verification | undefined;
    try {
      verification = stub
        ? verifyStub(stub.counts, crashIds)
        : await verifyStorage(mongoUrl, database, crashIds);
    } catch (err) {
      log(`storage check failed: ${String(err)}`);
    }
    if (mongo?.external) {
      const client = new MongoClient(mongoUrl);
      await client
        .db(database)
        .dropDatabase()
        .finally(() => client.close());
    }

    const report: RunReport = {
      startedAt,
      command: ['npm run bench:collector --', ...process.argv.slice(2)].join(
        ' ',
      ),
      machine: {
        cores: os.availableParallelism(),
        memoryBytes: os.totalmem(),
        node: process.version,
        kernel: os.release(),
      },
      servers: { mongo: mongoName, nats: natsName },
      baselineMachineCores,
      collector: {
        dumpChunkBytes: options.chunkBytes ?? 'default',
        idleRssBytes: idleRss,
        extraEnv: options.collectorEnv,
        nodeArgs: options.collectorNodeArgs,
        logLines: collector.logCount(),
      },
      scenarios,
      verification,
      targets: checkTargets(scenarios),
    };
    process.stdout.write('\n' + renderReport(report));
    if (collector.logCount() > 0) {
      process.stdout.write(
        `\nThe collector logged ${collector.logCount()} warning/error ` +
          'lines; the last ones:\n' +
          collector
            .logLines()
            .slice(-5)
            .map((l) => `  ${l.slice(0, 300)}`)
            .join('\n') +
          '\n',
      );
    }
    const path = await writeJsonReport(options.resultsDir, report);
    process.stdout.write(`\nJSON: ${path}\n`);
    return verification?.ok === false ? 1 : 0;
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

process.exitCode = await main();
