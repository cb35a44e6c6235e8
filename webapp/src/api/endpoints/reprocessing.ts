/**
 * Reprocessing: publishes crash ids to the reprocess subject, each with a
 * message id of its own (a repeat request is new work, not a duplicate).
 * A `:regenerate_signature` suffix runs only the signature rule. Bulk
 * requests are paced: a pause after every batch keeps them from flooding
 * the queue ahead of new crashes.
 */
import { randomBytes } from 'node:crypto';
import type { ApiDeps } from '../deps.js';
import { parseCrashId } from '../crash-id-param.js';
import { json, type ApiEndpoint } from '../endpoint.js';
import { invalidParameters } from '../errors.js';
import { listParam } from '../params.js';

/** Rulesets a reprocessing request may name after the crash id. */
export const REPROCESS_RULESETS = ['regenerate_signature'] as const;
/** Most crash ids one request may carry. */
export const MAX_REPROCESS_IDS = 10_000;

export function reprocessingEndpoint(deps: ApiDeps): ApiEndpoint {
  return {
    name: 'Reprocessing',
    methods: ['POST'],
    permission: 'reprocess_crashes',
    maxAgeSeconds: 0,
    origin: 'socorro',
    summary: 'Process crashes again',
    description:
      'Queues the crashes for processing again. A crash id may carry a ruleset suffix: ' +
      '<crash id>:regenerate_signature runs only the signature rule. Answers true once every id is queued.',
    parameters: [
      {
        name: 'crash_ids',
        description: `Crash ids, each optionally with :regenerate_signature (at most ${MAX_REPROCESS_IDS}).`,
        required: true,
        repeated: true,
        schema: { type: 'string' },
        example: '6a1f0a7e-0c3b-4bd2-9d8e-0f5e20261203',
      },
    ],
    responseExample: true,
    async handle({ params }) {
      const values = listParam(params, 'crash_ids', { required: true });
      if (values.length > MAX_REPROCESS_IDS) {
        throw invalidParameters({
          crash_ids: [`At most ${MAX_REPROCESS_IDS} crash ids per request`],
        });
      }
      const tasks = [
        ...new Set(
          values.map((value) => {
            const [id = '', ruleset, ...rest] = value.split(':');
            if (
              rest.length > 0 ||
              (ruleset !== undefined &&
                !(REPROCESS_RULESETS as readonly string[]).includes(ruleset))
            ) {
              throw invalidParameters({
                crash_ids: [
                  `Unknown ruleset in ${JSON.stringify(value)}; known: ${REPROCESS_RULESETS.join(', ')}`,
                ],
              });
            }
            const crashId = parseCrashId(id, 'crash_ids');
            return ruleset === undefined ? crashId : `${crashId}:${ruleset}`;
          }),
        ),
      ];
      const requestId = `${deps.now().getTime()}-${randomBytes(4).toString('hex')}`;
      const batch = deps.config.WEBAPP_REPROCESS_BATCH;
      for (let i = 0; i < tasks.length; i++) {
        if (i > 0 && i % batch === 0) {
          await deps.sleep(deps.config.WEBAPP_REPROCESS_PAUSE_MS);
        }
        const task = tasks[i]!;
        await deps.queues.publish(
          'reprocess',
          task,
          `reprocess:${task}:${requestId}`,
        );
      }
      deps.log.info(
        { crashes: tasks.length },
        'crashes queued for reprocessing',
      );
      return json(true);
    },
  };
}
