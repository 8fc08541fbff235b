// @ts-check
/**
 * Mutation testing (`npm run mutate`; not part of `npm test`): StrykerJS changes one check in the
 * source at a time and runs the unit tests that cover it; a mutant that no test notices is a
 * promise nothing defends. Reports go to reports/ (gitignored): reports/mutation/mutation.html,
 * mutation.json, and the incremental file that lets a later run retest only what changed.
 * One file or a few: `npm run mutate -- --mutate src/lib/protocol/bytes.ts`.
 */
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
	testRunner: 'vitest',
	vitest: { configFile: 'tests/unit/vitest.mutate.config.ts' },
	coverageAnalysis: 'perTest',
	// The sandbox is a copy without gitignored files; tsconfig.json extends .svelte-kit/tsconfig.json.
	buildCommand: 'npx svelte-kit sync',
	// The protocol, and the relay's authorization and command rules (the command decoder itself is
	// src/lib/protocol/relay-commands.ts).
	mutate: ['src/lib/protocol/**/*.ts', 'src/relay/commands.ts'],
	// One test process: the build machine's two cores are shared. Raise it on a machine of your own.
	concurrency: 1,
	// A mutant that runs this much longer than the tests did counts as detected (an endless loop);
	// on a loaded machine the default 5 s also catches slow survivors, which would inflate the score.
	timeoutMS: 10_000,
	incremental: true,
	incrementalFile: 'reports/stryker-incremental.json',
	reporters: ['clear-text', 'progress', 'html', 'json'],
	htmlReporter: { fileName: 'reports/mutation/mutation.html' },
	jsonReporter: { fileName: 'reports/mutation/mutation.json' },
	clearTextReporter: { allowColor: false, reportTests: false, reportMutants: true, logTests: false },
	thresholds: { high: 90, low: 80, break: null },
	tempDirName: '.stryker-tmp'
};
