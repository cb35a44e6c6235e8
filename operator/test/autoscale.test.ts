import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  EMPTY_HISTORY,
  nextReplicas,
  recommendedReplicas,
  type ScaleHistory,
} from '../src/autoscale.js';

const settings = {
  minReplicas: 1,
  maxReplicas: 10,
  lagPerReplica: 100,
  scaleDownStabilizationSeconds: 60,
};

describe('queue-depth scaling', () => {
  it('asks for ceil(lag / lagPerReplica) within the bounds', () => {
    assert.equal(recommendedReplicas(0, settings), 1);
    assert.equal(recommendedReplicas(1, settings), 1);
    assert.equal(recommendedReplicas(100, settings), 1);
    assert.equal(recommendedReplicas(101, settings), 2);
    assert.equal(recommendedReplicas(950, settings), 10);
    assert.equal(recommendedReplicas(50_000, settings), 10);
    assert.equal(recommendedReplicas(0, { ...settings, minReplicas: 0 }), 0);
  });

  it('scales up at once', () => {
    const d = nextReplicas(1, 450, settings, EMPTY_HISTORY, 0);
    assert.deepEqual([d.replicas, d.change, d.recommended], [5, 'up', 5]);
  });

  it('scales down only after the stabilization window', () => {
    let history: ScaleHistory = EMPTY_HISTORY;
    let replicas = 1;
    const step = (lag: number, seconds: number) => {
      const d = nextReplicas(replicas, lag, settings, history, seconds * 1000);
      history = d.history;
      replicas = d.replicas;
      return d;
    };
    assert.equal(step(800, 0).replicas, 8);
    // The queue drains: the recommendation drops at once, the replicas do not.
    assert.deepEqual(
      [step(0, 5).replicas, step(0, 30).replicas, step(0, 59).replicas],
      [8, 8, 8],
    );
    const down = step(0, 61);
    assert.deepEqual([down.replicas, down.change], [1, 'down']);
  });

  it('steps down to the highest recommendation of the window', () => {
    let history: ScaleHistory = EMPTY_HISTORY;
    let replicas = 1;
    const step = (lag: number, seconds: number) => {
      const d = nextReplicas(replicas, lag, settings, history, seconds * 1000);
      history = d.history;
      replicas = d.replicas;
      return d.replicas;
    };
    step(900, 0); // 9
    step(300, 30); // 3 recommended, 9 kept
    assert.equal(
      step(0, 65),
      3,
      'the 9 left the window; the 3 at 30 s is still in it',
    );
    assert.equal(step(0, 95), 1);
  });

  it('does not scale down right after a start, with no history', () => {
    const first = nextReplicas(6, 0, settings, EMPTY_HISTORY, 0);
    assert.deepEqual([first.replicas, first.change], [6, 'none']);
    assert.equal(
      nextReplicas(6, 0, settings, first.history, 61_000).replicas,
      1,
    );
  });

  it('moves into new bounds at once', () => {
    assert.equal(
      nextReplicas(8, 0, { ...settings, maxReplicas: 4 }, EMPTY_HISTORY, 0)
        .replicas,
      4,
    );
    assert.equal(
      nextReplicas(1, 0, { ...settings, minReplicas: 3 }, EMPTY_HISTORY, 0)
        .replicas,
      3,
    );
  });
});
