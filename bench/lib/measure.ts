/**
 * Timing helpers for the benchmarks: operations per second as the median of several timed rounds,
 * after a warm-up, and a plain-text table printer.
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';

export interface MeasureOptions {
	/** Milliseconds per round. */
	readonly roundMs: number;
	readonly rounds: number;
}

/** Runs `op` repeatedly for each round and returns the median rate in operations per second. */
export async function opsPerSecond(op: () => Promise<void> | void, { roundMs, rounds }: MeasureOptions): Promise<number> {
	const warmUntil = performance.now() + roundMs / 2;
	while (performance.now() < warmUntil) await op();
	const rates: number[] = [];
	for (let r = 0; r < rounds; r++) {
		let count = 0;
		const start = performance.now();
		let now = start;
		while (now - start < roundMs) {
			await op();
			count++;
			now = performance.now();
		}
		rates.push((count * 1000) / (now - start));
	}
	rates.sort((a, b) => a - b);
	return rates[Math.floor(rates.length / 2)] as number;
}

export function machineLine(): string {
	const cpu = cpus()[0]?.model ?? 'unknown CPU';
	return `Node ${process.versions.node} · ${cpu} · ${cpus().length} cores`;
}

/** Prints rows as an aligned Markdown table (readable in a terminal and pasteable in notes). */
export function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
	const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
	const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
	console.log(line(header));
	console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
	for (const r of rows) console.log(line(r));
}

export function formatRate(n: number): string {
	return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1);
}
