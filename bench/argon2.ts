/**
 * Argon2id benchmark (issue 9): the time of one passphrase derivation in this machine's Chromium,
 * in a module Worker served with the relay's own headers (its CSP included), as the engine runs
 * it. Parley's wrapper (hash-wasm, WebAssembly) at the chosen PASSPHRASE_PARAMS and at the other
 * candidates (64 MiB with t = 1–4, then more passes or more memory), against @noble/hashes'
 * pure-JS argon2id at the same parameters, same run.
 * It also checks the CSP: the same worker under the policy without 'wasm-unsafe-eval' must fail.
 */
import { chromium, type Page } from '@playwright/test';
import { PASSPHRASE_PARAMS, type Argon2Params } from '../src/lib/engine/argon2.js';
import { ASSET_CSP } from '../src/relay/static-files.js';
import { buildArgon2Worker, runInWorker, serve, type Job, type Reply } from '../tests/support/argon2-harness.js';
import { CHROMIUM_ARGS, findChromium } from '../tests/support/chromium.js';
import { printTable } from './lib/measure.js';

const ROUNDS = Number(process.env.ARGON2_ROUNDS ?? 5);
/** The pure-JS peer is several times slower: fewer rounds keep the run short. */
const PEER_ROUNDS = Math.max(1, Math.ceil(ROUNDS / 2));
/** The brief's 64 MiB candidates (t = 1–4), then more passes or more memory to reach 0.5–1 s. */
const CANDIDATES: Argon2Params[] = [
	[64, 1],
	[64, 2],
	[64, 3],
	[64, 4],
	[64, 6],
	[64, 8],
	[128, 2],
	[128, 3],
	[128, 4],
	[256, 1],
	[256, 2]
].map(([mib, iterations]) => ({ memoryKiB: (mib as number) * 1024, iterations: iterations as number, parallelism: 1 }));
const WITHOUT_WASM_CSP = ASSET_CSP.replace(" 'wasm-unsafe-eval'", '');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const label = (p: Argon2Params) => `m = ${p.memoryKiB / 1024} MiB, t = ${p.iterations}, p = ${p.parallelism}`;
const isChosen = (p: Argon2Params) => p.memoryKiB === PASSPHRASE_PARAMS.memoryKiB && p.iterations === PASSPHRASE_PARAMS.iterations && p.parallelism === PASSPHRASE_PARAMS.parallelism;

async function timings(page: Page, impl: Job['impl'], params: Argon2Params, rounds: number): Promise<{ ms: number; key: string }> {
	// The first derivation also compiles the WebAssembly and grows the worker's memory: not counted.
	const replies = await runInWorker(page, Array.from({ length: rounds + 1 }, () => ({ impl, params })));
	const failed = replies.find((r): r is { error: string } => 'error' in r);
	if (failed) throw new Error(`${impl} at ${label(params)}: ${failed.error}`);
	const ok = replies as { ms: number; key: string }[];
	return { ms: median(ok.slice(1).map((r) => r.ms)), key: (ok[0] as { key: string }).key };
}

export async function argon2Benchmark(): Promise<void> {
	const executablePath = findChromium();
	if (!executablePath) throw new Error('No Chromium found (tests/support/chromium.ts says how to install one).');
	const { dir, remove } = await buildArgon2Worker();
	const relay = await serve(dir);
	const strict = await serve(dir, WITHOUT_WASM_CSP);
	const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
	try {
		const page = await (await browser.newContext()).newPage();
		await page.goto(strict.url);
		const [refused] = await runInWorker(page, [{ impl: 'parley', params: { memoryKiB: 64, iterations: 1, parallelism: 1 } }]);
		await page.goto(relay.url);
		console.log(`\n## Argon2id: one derivation in Chromium ${browser.version()}, module Worker (median of ${ROUNDS}; pure JS: ${PEER_ROUNDS})\n`);
		const rows: string[][] = [];
		for (const params of CANDIDATES) {
			const ours = await timings(page, 'parley', params, ROUNDS);
			const peer = await timings(page, 'noble', params, PEER_ROUNDS);
			if (ours.key !== peer.key) throw new Error(`hash-wasm and noble disagree at ${label(params)}`);
			const inRange = ours.ms >= 500 && ours.ms <= 1000 ? 'yes' : 'no';
			rows.push([`${label(params)}${isChosen(params) ? ' (chosen)' : ''}`, `${Math.round(ours.ms)} ms`, `${Math.round(peer.ms)} ms`, `${(peer.ms / ours.ms).toFixed(1)}×`, inRange]);
		}
		printTable(['parameters', 'Parley (hash-wasm, WASM)', '@noble/hashes (pure JS)', 'pure JS / Parley', 'in 0.5–1 s'], rows);
		console.log(`\nSame outputs from both at every row. CSP: the worker under the relay's policy ran WebAssembly;`);
		console.log(`under it without 'wasm-unsafe-eval': ${'error' in (refused as Reply) ? `refused (${(refused as { error: string }).error.slice(0, 100)})` : 'NOT refused (the policy does not reach the worker)'}.`);
	} finally {
		await browser.close();
		relay.close();
		strict.close();
		remove();
	}
}
