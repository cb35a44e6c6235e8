/**
 * Queue-depth autoscaling end to end: a real NATS server with the crash
 * stream and the processor's consumers, a real apiserver, and the
 * controller reading the lag: N queued crash ids raise the processor
 * Deployment to ceil(N / lagPerReplica) within 5 seconds, a drained queue
 * lowers it after the stabilization window, and the bounds hold.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { KubeConfig } from '@kubernetes/client-node';
import {
  crashBusNames,
  createCrashId,
  createLogger,
  provisionCrashBus,
  publishToQueue,
} from '@crashstats/common';
import {
  eventually,
  startKube,
  startNats,
  type KubeControlPlane,
  type NatsServer,
} from '@crashstats/testkit';
import { CrashStatsController } from '../src/controller.js';
import {
  CRASHSTATS_API_VERSION,
  CRASHSTATS_GROUP,
  CRASHSTATS_PLURAL,
  CRASHSTATS_VERSION,
  crashStatsCrd,
} from '../src/index.js';
import { NatsLagReader } from '../src/queue-lag.js';

const NS = 'default';
const RESOURCES = `/apis/${CRASHSTATS_GROUP}/${CRASHSTATS_VERSION}/namespaces/${NS}/${CRASHSTATS_PLURAL}`;
const names = crashBusNames('CRASHES', 'crashes');

describe(
  'processor autoscaling from the queue lag',
  { timeout: 240_000 },
  () => {
    let kube: KubeControlPlane;
    let nats: NatsServer;
    let nc: NatsConnection;
    let controller: CrashStatsController;
    let lag: NatsLagReader;

    const replicas = async () => {
      const res = await kube.request(
        `/apis/apps/v1/namespaces/${NS}/deployments/scaled-processor`,
      );
      return res.status === 200
        ? (res.body as { spec: { replicas: number } }).spec.replicas
        : undefined;
    };
    /** Milliseconds until the processor Deployment has `want` replicas. */
    const waitFor = async (want: number, timeoutMs: number) => {
      const started = Date.now();
      await eventually(
        `${want} processor replicas`,
        async () => (await replicas()) === want,
        { timeoutMs, detail: async () => `now ${await replicas()}` },
      );
      return Date.now() - started;
    };
    const publish = async (count: number) => {
      const js = jetstream(nc);
      for (let i = 0; i < count; i++) {
        await publishToQueue(
          js,
          names,
          'standard',
          createCrashId(new Date(), 0, randomUUID),
        );
      }
    };

    before(async () => {
      [kube, nats] = await Promise.all([startKube(), startNats()]);
      nc = await connect({ servers: nats.url });
      await provisionCrashBus(nc, names);
      assert.equal(
        (
          await kube.request(
            '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
            { method: 'POST', body: crashStatsCrd() },
          )
        ).status,
        201,
      );
      for (let i = 0; (await kube.request(RESOURCES)).status !== 200; i++) {
        assert.ok(i < 200, 'the resource endpoint');
        await sleep(100);
      }
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromFile(kube.kubeconfigPath);
      const log = createLogger({
        service: 'operator',
        version: 'test',
        level: 'silent',
      });
      lag = new NatsLagReader(log);
      controller = new CrashStatsController({
        kubeConfig,
        log,
        lagOf: (cs) => lag.lagOf(cs),
        scaleIntervalMs: 500,
      });
      await controller.start();
      const created = await kube.request(RESOURCES, {
        method: 'POST',
        body: {
          apiVersion: CRASHSTATS_API_VERSION,
          kind: 'CrashStats',
          metadata: { name: 'scaled' },
          spec: {
            nats: { url: nats.url },
            mongodb: { urlSecretRef: { name: 'mongodb', key: 'url' } },
            redis: { url: 'redis://redis:6379' },
            processor: {
              minReplicas: 1,
              maxReplicas: 5,
              lagPerReplica: 100,
              scaleDownStabilizationSeconds: 3,
            },
          },
        },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      await waitFor(1, 20_000);
    });
    after(async () => {
      await controller?.stop();
      await lag?.close();
      await nc?.close();
      await Promise.allSettled([
        kube?.[Symbol.asyncDispose](),
        nats?.[Symbol.asyncDispose](),
      ]);
    });

    it('raises the processors to ceil(lag / target) within 5 seconds', async () => {
      await publish(250);
      const ms = await waitFor(3, 5_000);
      console.log(`queue of 250 → 3 processors in ${ms} ms`);
    });

    it('holds the upper bound', async () => {
      await publish(800);
      await waitFor(5, 5_000);
      await sleep(1500);
      assert.equal(await replicas(), 5, 'never above maxReplicas');
    });

    it('lowers them after the stabilization window once the queue drains', async () => {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.purge(names.stream);
      const drained = Date.now();
      await sleep(1500);
      assert.equal(await replicas(), 5, 'still 5 inside the 3 s window');
      await waitFor(1, 10_000);
      const ms = Date.now() - drained;
      // The window runs from the last high reading, which can come up to
      // one 500 ms tick before the purge.
      assert.ok(ms >= 2500, `lowered after ${ms} ms, before the window`);
    });
  },
);
