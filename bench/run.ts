/**
 * `npm run bench`: every benchmark, one after the other, each printing its own table.
 * Add a benchmark by adding its entry function to BENCHMARKS.
 */
import { appBenchmark } from './app.js';
import { machineLine } from './lib/measure.js';
import { protocolBenchmark } from './protocol.js';
import { relayBenchmark } from './relay.js';

const BENCHMARKS: (() => Promise<void>)[] = [protocolBenchmark, relayBenchmark, appBenchmark];

console.log(`# Parley benchmarks\n\n${machineLine()}`);
for (const bench of BENCHMARKS) await bench();
process.exit(0);
