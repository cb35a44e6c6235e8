/**
 * Operator benchmark: how quickly the controller acts, built as the
 * operator's process builds it with every setting at its default, on a
 * real etcd and kube-apiserver and a real NATS server with JetStream.
 * Two measurements, each over --rounds rounds:
 *   A  resource edit → children: from sending a patch of the CrashStats
 *      resource (the collector's replicas, 2 and 3 in turn) until the
 *      collector Deployment's spec shows it;
 *   B  queue spike → processors: from the last publish ack of K crash ids
 *      (K = lagPerReplica × 2, 3, 5 or 8) until the processor Deployment
 *      asks for ceil(K / lagPerReplica) replicas within the resource's
 *      bounds; the stream is then purged and the processors go back to
 *      the minimum before the next round.
 * Deployments are read through a watch, so a change counts when the
 * apiserver sends it. Each spike starts at a random point of the scale
 * tick, as spikes do.
 *   npm run bench:operator -- [--rounds N] [--json]
 * With --json the report is one JSON object on stdout, and the
 * controller's own log is off.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, release, totalmem } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import {
  crashBusNames,
  createCrashId,
  createLogger,
  createMetricsRegistry,
  provisionCrashBus,
  publishToQueue,
} from '@crashstats/common';
import { startKube, startNats } from '@crashstats/testkit';
import { loadOperatorConfig } from '../../operator/src/config.js';
import { CrashStatsController } from '../../operator/src/controller.js';
import { KubeEventRecorder } from '../../operator/src/events.js';
import {
  CRASHSTATS_API_VERSION,
  CRASHSTATS_GROUP,
  CRASHSTATS_PLURAL,
  CRASHSTATS_VERSION,
  crashStatsCrd,
} from '../../operator/src/index.js';
import { createOperatorMetrics } from '../../operator/src/metrics.js';
import { NatsLagReader } from '../../operator/src/queue-lag.js';
import { DeploymentWatch } from './deployment-watch.js';
import { measurement, table, type Measurement } from './report.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '20' },
    json: { type: 'boolean', default: false },
  },
});
const ROUNDS = Number(values.rounds);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) {
  console.error(`bench:operator: --rounds must be a positive integer`);
  process.exit(2);
}
const JSON_OUTPUT = values.json;

/** The operator's configuration with every key at its default. */
const config = loadOperatorConfig({});
const DEFAULTS = {
  workers: config.OPERATOR_WORKERS,
  resyncMs: config.OPERATOR_RESYNC_SECONDS * 1000,
  scaleIntervalMs: config.OPERATOR_SCALE_INTERVAL_MS,
};
const TARGET_CHANGE_MS = 1000;
const TARGET_SPIKE_MS = 5000;
const NS = 'crashstats-bench';
const NAME = 'bench';
const COLLECTOR = `${NAME}-collector`;
const PROCESSOR = `${NAME}-processor`;
const RESOURCES = `/apis/${CRASHSTATS_GROUP}/${CRASHSTATS_VERSION}/namespaces/${NS}/${CRASHSTATS_PLURAL}`;
/**
 * The resource's processor settings: the CRD's defaults, except a lower
 * maximum (so the largest spike meets the bound) and a short window (so
 * the processors come back down between rounds).
 */
const SCALING = {
  minReplicas: 1,
  maxReplicas: 5,
  lagPerReplica: 100,
  scaleDownStabilizationSeconds: 1,
};
const SPIKE_FACTORS = [2, 3, 5, 8];
const PUBLISH_BATCH = 200;

const log = (msg: string) => console.error(`[bench:operator] ${msg}`);
const replicasOf = (d: V1Deployment) => d.spec?.replicas;
const expectedReplicas = (lag: number) =>
  Math.min(
    SCALING.maxReplicas,
    Math.max(SCALING.minReplicas, Math.ceil(lag / SCALING.lagPerReplica)),
  );

const startedAt = new Date().toISOString();
log('starting etcd, kube-apiserver and nats-server');
const [kube, nats] = await Promise.all([startKube(), startNats()]);
const nc = await connect({ servers: nats.url });
const names = crashBusNames('CRASHES', 'crashes');
const controllerLog = createLogger({
  service: 'operator',
  version: 'bench',
  level: JSON_OUTPUT ? 'silent' : 'warn',
});
const lag = new NatsLagReader(controllerLog);
let controller: CrashStatsController | undefined;
let watch: DeploymentWatch | undefined;

/** Calls the apiserver and insists on one of the `ok` statuses. */
async function kubeCall(
  path: string,
  options: Parameters<typeof kube.request>[1],
  ok: readonly number[] = [200, 201],
): Promise<unknown> {
  const res = await kube.request(path, options);
  if (!ok.includes(res.status)) {
    throw new Error(
      `${options?.method ?? 'GET'} ${path}: ${res.status} ${JSON.stringify(res.body)}`,
    );
  }
  return res.body;
}

async function setUp(): Promise<DeploymentWatch> {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kube.kubeconfigPath);
  await provisionCrashBus(nc, names);
  await kubeCall('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
    method: 'POST',
    body: crashStatsCrd(),
  });
  await kubeCall('/api/v1/namespaces', {
    method: 'POST',
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
  });
  await kubeCall(`/api/v1/namespaces/${NS}/secrets`, {
    method: 'POST',
    body: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'mongodb' },
      stringData: { url: 'mongodb://mongodb:27017' },
    },
  });
  for (let i = 0; (await kube.request(RESOURCES)).status !== 200; i++) {
    if (i > 300) {
      throw new Error('the CrashStats endpoint did not appear');
    }
    await sleep(100);
  }
  const deployments = new DeploymentWatch(kubeConfig, NS);
  watch = deployments;
  await deployments.start();
  // As the operator's process builds it (operator.ts), defaults and all.
  controller = new CrashStatsController({
    kubeConfig,
    log: controllerLog,
    ...DEFAULTS,
    lagOf: (cs) => lag.lagOf(cs),
    metrics: createOperatorMetrics(createMetricsRegistry('operator')),
    events: new KubeEventRecorder(kubeConfig, controllerLog, 'bench'),
  });
  await controller.start();
  await kubeCall(RESOURCES, {
    method: 'POST',
    body: {
      apiVersion: CRASHSTATS_API_VERSION,
      kind: 'CrashStats',
      metadata: { name: NAME },
      spec: {
        nats: { url: nats.url },
        mongodb: { urlSecretRef: { name: 'mongodb', key: 'url' } },
        redis: { url: 'redis://redis:6379' },
        collector: { replicas: 2 },
        processor: SCALING,
      },
    },
  });
  await deployments.until(COLLECTOR, (d) => replicasOf(d) === 2, 30_000);
  await deployments.until(
    PROCESSOR,
    (d) => replicasOf(d) === SCALING.minReplicas,
    30_000,
  );
  return deployments;
}

/** A: milliseconds from sending a patch until the collector shows it. */
async function resourceChange(deployments: DeploymentWatch, replicas: number) {
  const seen = deployments.until(
    COLLECTOR,
    (d) => replicasOf(d) === replicas,
    10_000,
  );
  const started = performance.now();
  const [at] = await Promise.all([
    seen,
    kubeCall(`${RESOURCES}/${NAME}`, {
      method: 'PATCH',
      contentType: 'application/merge-patch+json',
      body: { spec: { collector: { replicas } } },
    }),
  ]);
  return at - started;
}

interface SpikeRound {
  crashIds: number;
  expected: number;
  /** From the last publish ack until the processors were asked for. */
  ms: number;
  publishMs: number;
  /** The processor replicas on the way, as the watch saw them. */
  path: number[];
}

/** B: one queue spike, then the purge and the way back down. */
async function queueSpike(
  deployments: DeploymentWatch,
  factor: number,
): Promise<SpikeRound> {
  const js = jetstream(nc);
  const crashIds = factor * SCALING.lagPerReplica;
  const expected = expectedReplicas(crashIds);
  const path: number[] = [];
  // Spikes come at any point of the operator's scale tick.
  await sleep(Math.random() * DEFAULTS.scaleIntervalMs);
  const reached = deployments.until(
    PROCESSOR,
    (d) => {
      path.push(replicasOf(d) ?? -1);
      return replicasOf(d) === expected;
    },
    30_000,
  );
  const publishStarted = performance.now();
  for (let sent = 0; sent < crashIds; sent += PUBLISH_BATCH) {
    const batch = Math.min(PUBLISH_BATCH, crashIds - sent);
    await Promise.all(
      Array.from({ length: batch }, () =>
        publishToQueue(
          js,
          names,
          'standard',
          createCrashId(new Date(), 0, randomUUID),
        ),
      ),
    );
  }
  const lastAck = performance.now();
  const at = await reached;
  if (path.some((r) => r > expected)) {
    throw new Error(`processors went past ${expected}: ${path.join(' → ')}`);
  }
  const jsm = await jetstreamManager(nc);
  await jsm.streams.purge(names.stream);
  await deployments.until(
    PROCESSOR,
    (d) => replicasOf(d) === SCALING.minReplicas,
    30_000,
  );
  return {
    crashIds,
    expected,
    // A tick during the publishing can already ask for the full count.
    ms: Math.max(0, at - lastAck),
    publishMs: lastAck - publishStarted,
    path,
  };
}

async function versions() {
  const require = createRequire(import.meta.url);
  const clientNode = require('@kubernetes/client-node/package.json') as {
    version: string;
  };
  const kubeVersion = (await kubeCall('/version', {})) as {
    gitVersion: string;
  };
  const etcd = (await (await fetch(`${kube.etcdUrl}/version`)).json()) as {
    etcdserver: string;
  };
  return {
    node: process.version,
    kubeApiserver: kubeVersion.gitVersion,
    etcd: etcd.etcdserver,
    natsServer: nc.info?.version ?? 'unknown',
    clientNode: clientNode.version,
  };
}

try {
  const deployments = await setUp();

  log(`A: ${ROUNDS} edits of the resource`);
  const changes: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Let the last round's status write and its follow-up reconcile end.
    await sleep(200 + Math.random() * 500);
    changes.push(await resourceChange(deployments, round % 2 === 0 ? 3 : 2));
  }

  log(`B: ${ROUNDS} queue spikes`);
  const spikes: SpikeRound[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const factor = SPIKE_FACTORS[round % SPIKE_FACTORS.length]!;
    const spike = await queueSpike(deployments, factor);
    log(
      `  ${spike.crashIds} crash ids → ${spike.expected} processors in ` +
        `${spike.ms.toFixed(0)} ms (${spike.path.join(' → ')})`,
    );
    spikes.push(spike);
  }

  const results: Measurement[] = [
    measurement(
      'A resource edit → collector Deployment',
      changes,
      TARGET_CHANGE_MS,
    ),
    measurement(
      'B queue spike → processor replicas',
      spikes.map((s) => s.ms),
      TARGET_SPIKE_MS,
    ),
  ];
  const machine = {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryBytes: totalmem(),
    kernel: release(),
  };
  const report = {
    startedAt,
    command: `npm run bench:operator -- --rounds ${ROUNDS}`,
    machine,
    versions: await versions(),
    controller: DEFAULTS,
    resource: { processor: SCALING },
    results,
    spikes,
  };
  if (JSON_OUTPUT) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    const v = report.versions;
    console.log(
      `\noperator bench: ${ROUNDS} rounds each; ${machine.cores} cores ` +
        `(${machine.cpu}), ${(machine.memoryBytes / 2 ** 30).toFixed(0)} GiB`,
    );
    console.log(
      `Node ${v.node}, kube-apiserver ${v.kubeApiserver}, etcd ${v.etcd}, ` +
        `nats-server ${v.natsServer}, @kubernetes/client-node ${v.clientNode}`,
    );
    console.log(
      `controller defaults: scale tick ${DEFAULTS.scaleIntervalMs} ms, ` +
        `resync ${DEFAULTS.resyncMs} ms, ${DEFAULTS.workers} workers; ` +
        `resource: lagPerReplica ${SCALING.lagPerReplica}, processors ` +
        `${SCALING.minReplicas}..${SCALING.maxReplicas}, scale-down window ` +
        `${SCALING.scaleDownStabilizationSeconds} s`,
    );
    console.log(table(results));
    console.log('PASS means every round was under the target.');
  }
} finally {
  watch?.stop();
  await controller?.stop();
  await lag.close();
  await nc.close();
  await Promise.allSettled([
    kube[Symbol.asyncDispose](),
    nats[Symbol.asyncDispose](),
  ]);
}
