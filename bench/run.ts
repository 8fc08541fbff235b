/**
 * `npm run bench [-- name…]`: every benchmark (or only those named: protocol, relay, app, argon2, records, groups), one
 * after the other, each printing its own table. Add a benchmark by adding it to BENCHMARKS.
 */
import { appBenchmark } from './app.js';
import { argon2Benchmark } from './argon2.js';
import { groupsBenchmark } from './groups.js';
import { machineLine } from './lib/measure.js';
import { protocolBenchmark } from './protocol.js';
import { recordsBenchmark } from './records.js';
import { relayBenchmark } from './relay.js';

const BENCHMARKS: Record<string, () => Promise<void>> = { protocol: protocolBenchmark, relay: relayBenchmark, app: appBenchmark, argon2: argon2Benchmark, records: recordsBenchmark, groups: groupsBenchmark };

const names = process.argv.slice(2);
const unknown = names.filter((n) => !(n in BENCHMARKS));
if (unknown.length > 0) {
	console.error(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
	process.exit(2);
}
console.log(`# Parley benchmarks\n\n${machineLine()}`);
for (const name of names.length > 0 ? names : Object.keys(BENCHMARKS)) await (BENCHMARKS[name] as () => Promise<void>)();
process.exit(0);
