import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { breadcrumbsRule } from '../../src/rules/breadcrumbs.js';
import { runOnState } from '../support/rule-state.js';

const run = (raw: Record<string, unknown>) =>
  runOnState([breadcrumbsRule], raw);

const crumb = {
  timestamp: '2026-12-04T06:00:00',
  type: 'Navigation',
  category: 'ui',
  level: 'Info',
  message: 'opened settings',
  data: { from: 'menu' },
};

describe('breadcrumbs rule', () => {
  it('keeps a list of breadcrumbs', async () => {
    const { processed, notes } = await run({
      Breadcrumbs: JSON.stringify([crumb, { message: 'second' }]),
    });
    assert.deepEqual(processed.breadcrumbs, [crumb, { message: 'second' }]);
    assert.deepEqual(notes, []);
  });

  it("takes Sentry's values wrapper", async () => {
    const { processed } = await run({
      Breadcrumbs: JSON.stringify({ values: [crumb] }),
    });
    assert.deepEqual(processed.breadcrumbs, [crumb]);
  });

  it('leaves out keys outside the shape', async () => {
    const { processed } = await run({
      Breadcrumbs: JSON.stringify([{ message: 'm', extra: 'x' }]),
    });
    assert.deepEqual(processed.breadcrumbs, [{ message: 'm' }]);
  });

  it('notes a value that is not JSON or not of the shape', async () => {
    const cases: [string, RegExp][] = [
      ['{nope', /^breadcrumbs value is malformed json$/],
      [
        JSON.stringify({ message: 'not a list' }),
        /^breadcrumbs value is malformed: /,
      ],
      [
        JSON.stringify([crumb, { level: 3 }]),
        /^breadcrumbs value is malformed at 1\.level: /,
      ],
      [
        JSON.stringify([{ data: { count: 2 } }]),
        /^breadcrumbs value is malformed at 0\.data\.count: /,
      ],
    ];
    for (const [text, note] of cases) {
      const { processed, notes } = await run({ Breadcrumbs: text });
      assert.equal('breadcrumbs' in processed, false, text);
      assert.equal(notes.length, 1, text);
      assert.match(notes[0] as string, note);
    }
  });

  it('does nothing without the annotation', async () => {
    const { processed, notes } = await run({ Breadcrumbs: '' });
    assert.deepEqual(processed, {});
    assert.deepEqual(notes, []);
  });
});
