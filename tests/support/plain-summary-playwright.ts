/**
 * A Playwright reporter that adds one plain closing line, `browser: N passed, N failed[, N skipped]`,
 * after Playwright's own summary, so CI can read the counts in a runner-independent form.
 */
import type { FullConfig, Reporter, Suite } from '@playwright/test/reporter';

export default class PlainSummaryReporter implements Reporter {
	#suite: Suite | undefined;

	onBegin(_config: FullConfig, suite: Suite): void {
		this.#suite = suite;
	}

	onEnd(): void {
		let passed = 0;
		let failed = 0;
		let skipped = 0;
		for (const test of this.#suite?.allTests() ?? []) {
			const outcome = test.outcome();
			if (outcome === 'expected' || outcome === 'flaky') passed++;
			else if (outcome === 'skipped') skipped++;
			else failed++;
		}
		const tail = skipped > 0 ? `, ${skipped} skipped` : '';
		process.stdout.write(`\nbrowser: ${passed} passed, ${failed} failed${tail}\n`);
	}

	printsToStdio(): boolean {
		return false;
	}
}
