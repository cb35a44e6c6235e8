/**
 * Wires the engine rules (stack walking and signatures) from configuration.
 */
import type { ProcessorConfig } from './config.js';
import type { ProcessorMetrics } from './metrics.js';
import { createSignatureRule } from './rules/signature.js';
import type { EngineRules } from './ruleset.js';

/** Builds the engine rules the configuration asks for. */
export function createEngineRules(
  _config: ProcessorConfig,
  _metrics: ProcessorMetrics,
): EngineRules {
  return { signature: createSignatureRule() };
}
