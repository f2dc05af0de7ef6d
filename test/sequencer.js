// @ts-check
'use strict';
const path = require('node:path');

// Jest's default sequencer, from where Jest's own configuration finds it (it comes with Jest).
const Sequencer = require(
  require.resolve('@jest/test-sequencer', {
    paths: [path.dirname(require.resolve('jest-config'))],
  }),
).default;

/**
 * Jest's own order (what failed last time first, then the longest by the last run's times, else
 * by file size), with the e2e file of the one-process mode (test/e2e/embedded) at the front: it is
 * small on disk but one of the longest to run, in a single worker, so started late (as on a first
 * run, ordered by size) it leaves the whole run waiting on it alone.
 */
class OneProcessFirst extends Sequencer {
  /** @param {import('@jest/test-result').Test[]} tests */
  sort(tests) {
    const sorted = /** @type {import('@jest/test-result').Test[]} */ (super.sort(tests));
    const onOneProcess = (/** @type {import('@jest/test-result').Test} */ t) =>
      t.path.endsWith('.embedded-spec.ts');
    return [...sorted.filter(onOneProcess), ...sorted.filter((t) => !onOneProcess(t))];
  }
}

module.exports = OneProcessFirst;
