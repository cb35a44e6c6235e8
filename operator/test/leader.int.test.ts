import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { createLogger } from '@crashstats/common';
import {
  eventually,
  startKube,
  type KubeControlPlane,
} from '@crashstats/testkit';
import { LeaderElector } from '../src/leader.js';

describe('leader election on a real Lease', { timeout: 120_000 }, () => {
  let kube: KubeControlPlane;
  let kubeConfig: KubeConfig;
  const log = createLogger({
    service: 'operator',
    version: 'test',
    level: 'silent',
  });

  before(async () => {
    kube = await startKube();
    kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(kube.kubeconfigPath);
  });
  after(async () => {
    await kube?.[Symbol.asyncDispose]();
  });

  function candidate(
    identity: string,
    lease: string,
    events: string[],
    leaseDurationMs = 3000,
  ) {
    return new LeaderElector({
      kubeConfig,
      namespace: 'default',
      name: lease,
      identity,
      log,
      leaseDurationMs,
      renewDeadlineMs: Math.min(2000, leaseDurationMs - 500),
      retryPeriodMs: 200,
      onStartedLeading: () => events.push(`${identity} leads`),
      onStoppedLeading: () => events.push(`${identity} stops`),
    });
  }

  it('lets one of two candidates lead, and the other take over when it leaves', async () => {
    const events: string[] = [];
    // A long lease: a takeover within seconds can only come from the release.
    const a = candidate('a', 'handover', events, 20_000);
    const b = candidate('b', 'handover', events, 20_000);
    a.start();
    b.start();
    await eventually('a leader', () => a.isLeader || b.isLeader);
    await sleep(1500);
    assert.equal(
      [a, b].filter((c) => c.isLeader).length,
      1,
      'exactly one leads',
    );
    const [leader, other] = a.isLeader ? [a, b] : [b, a];
    await leader.stop();
    // Released: the other takes it at its next try, well before expiry.
    await eventually('the other to lead', () => other.isLeader, {
      timeoutMs: 5000,
    });
    await other.stop();
    assert.equal(events.filter((e) => e.endsWith('leads')).length, 2);
  });

  it('takes over from a leader that died, once the lease expires', async () => {
    const events: string[] = [];
    const a = candidate('a', 'expiry', events);
    a.start();
    await eventually('a to lead', () => a.isLeader);
    const b = candidate('b', 'expiry', events);
    b.start();
    await sleep(1000);
    assert.equal(b.isLeader, false, 'b waits while a renews');
    const died = Date.now();
    await a.stop(false);
    await eventually('b to lead', () => b.isLeader, { timeoutMs: 10_000 });
    const waited = Date.now() - died;
    assert.ok(
      waited >= 2500,
      `b took over after ${waited} ms, before the lease expired`,
    );
    await b.stop();
  });
});
