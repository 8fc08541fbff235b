/**
 * A Vitest reporter that adds one plain closing line, `unit: N passed, N failed[, N skipped]`, after
 * Vitest's own summary, so CI can read the counts in a runner-independent form. The option
 * `{ label }` names the suite instead of `unit`.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class PlainSummaryReporter implements Reporter {
	readonly #label: string;

	constructor({ label = 'unit' }: { label?: string } = {}) {
		this.#label = label;
	}

	onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
		let passed = 0;
		let failed = 0;
		let skipped = 0;
		for (const mod of testModules) {
			if (mod.state() === 'failed' && [...mod.children.allTests()].length === 0) failed++;
			for (const test of mod.children.allTests()) {
				const state = test.result().state;
				if (state === 'passed') passed++;
				else if (state === 'failed') failed++;
				else skipped++;
			}
		}
		failed += unhandledErrors.length;
		const tail = skipped > 0 ? `, ${skipped} skipped` : '';
		process.stdout.write(`\n${this.#label}: ${passed} passed, ${failed} failed${tail}\n`);
	}
}
