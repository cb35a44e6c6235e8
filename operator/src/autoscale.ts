/**
 * Queue-depth scaling of the processor, as pure functions: the replicas a
 * lag asks for (ceil(lag / lagPerReplica) within the resource's bounds),
 * and the step from one observation to the next: up at once, down only
 * to the highest recommendation of the stabilization window, so a short
 * dip in the queue does not remove processors that are needed again a
 * moment later (the rule the Horizontal Pod Autoscaler follows).
 */

/** The scaling settings of a CrashStats resource's processor. */
export interface ScaleSettings {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly lagPerReplica: number;
  readonly scaleDownStabilizationSeconds: number;
}

/** Recommendations remembered for the stabilization window. */
export interface ScaleHistory {
  readonly recommendations: readonly {
    readonly at: number;
    readonly replicas: number;
  }[];
}

export const EMPTY_HISTORY: ScaleHistory = { recommendations: [] };

/** What one observation decided. */
export interface ScaleDecision {
  readonly replicas: number;
  readonly change: 'up' | 'down' | 'none';
  /** The replicas the lag alone asks for. */
  readonly recommended: number;
  readonly history: ScaleHistory;
}

/** The replicas a queue lag asks for, within the bounds. */
export function recommendedReplicas(
  lag: number,
  settings: ScaleSettings,
): number {
  const wanted =
    lag <= 0 ? 0 : Math.ceil(lag / Math.max(1, settings.lagPerReplica));
  return Math.min(settings.maxReplicas, Math.max(settings.minReplicas, wanted));
}

/**
 * The processor replicas after observing `lag` at `now` (milliseconds),
 * given the current count and the recent recommendations.
 */
export function nextReplicas(
  current: number,
  lag: number,
  settings: ScaleSettings,
  history: ScaleHistory,
  now: number,
): ScaleDecision {
  const recommended = recommendedReplicas(lag, settings);
  const windowStart = now - settings.scaleDownStabilizationSeconds * 1000;
  // Without history (a new resource, or an operator that just started),
  // the current count counts as recommended now, so a restart does not
  // scale down before a window has passed.
  const past =
    history.recommendations.length === 0
      ? [{ at: now, replicas: current }]
      : history.recommendations.filter((r) => r.at > windowStart);
  const recommendations = [...past, { at: now, replicas: recommended }];
  const kept = { recommendations };
  // Bounds changed under us: move into them at once.
  const bounded = Math.min(
    settings.maxReplicas,
    Math.max(settings.minReplicas, current),
  );
  if (recommended > bounded) {
    return { replicas: recommended, change: 'up', recommended, history: kept };
  }
  const floor = Math.max(...recommendations.map((r) => r.replicas));
  const replicas = Math.min(bounded, floor);
  const change =
    replicas > current ? 'up' : replicas < current ? 'down' : 'none';
  return { replicas, change, recommended, history: kept };
}
