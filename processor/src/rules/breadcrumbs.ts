/**
 * Breadcrumbs: the events and log messages an application recorded before
 * it crashed, sent as the Breadcrumbs annotation in Sentry's shape (a list,
 * or an object holding the list under `values`, as Android's crash reporter
 * sends it). Checked against the shape below and kept in `breadcrumbs`
 * (protected); keys outside the shape are left out. A value that is not
 * JSON, or not of that shape, leaves a note and no field.
 */
import { z } from 'zod';
import { annotation } from './annotations.js';
import { record } from './json-dump.js';
import type { Rule } from './rule.js';

const breadcrumb = z.object({
  timestamp: z.string().optional(),
  type: z.string().optional(),
  category: z.string().optional(),
  level: z.string().optional(),
  message: z.string().optional(),
  data: z.record(z.string(), z.string()).optional(),
});

const breadcrumbs = z.array(breadcrumb);

/** One breadcrumb as stored. */
export type Breadcrumb = z.output<typeof breadcrumb>;

export const breadcrumbsRule: Rule = {
  name: 'breadcrumbs',
  run(state) {
    const text = annotation(state, 'Breadcrumbs');
    if (text === undefined) {
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      state.notes.push('breadcrumbs value is malformed json');
      return;
    }
    const wrapper = record(value);
    if (Object.hasOwn(wrapper, 'values')) {
      value = wrapper.values;
    }
    const checked = breadcrumbs.safeParse(value);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
      state.notes.push(
        `breadcrumbs value is malformed${where}: ${issue?.message ?? 'wrong shape'}`,
      );
      return;
    }
    state.processed.breadcrumbs = checked.data;
  },
};
