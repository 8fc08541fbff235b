/**
 * App benchmark (issue 4): the whole product path in Chromium, through the relay `npm start` runs.
 *
 * - send → shown: Alice (one browser context) sends a message; the time until it is on Bob's
 *   screen (another context), over `LATENCY_MESSAGES` messages sent one after the other.
 * - screens with history: a seeding peer (an engine in this Node process) sends `SEED` messages
 *   to Alice; then the time from navigation start to the chat list, and to the first screen of
 *   that conversation (User Timing marks the app sets once a screen is rendered), median of 5.
 * - passphrase → chat list (issue 9): Carol's profile has a passphrase and `UNLOCK_SEED` messages;
 *   the time from submitting the passphrase on the unlock screen of a reloaded page to the chat
 *   list, median of 5; and one Argon2id derivation alone at PASSPHRASE_PARAMS in the engine's
 *   worker, so the rest (unwrap, opening the database, first render) is the difference.
 * - repeat visit (issue 10): navigation start → chat list on a reload of a profile with no
 *   passphrase and one chat, once with the pinned shell's service worker active (the app from its verified
 *   cache) and once with service workers blocked (the app from the server), median of 5 each.
 */
import 'fake-indexeddb/auto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { WebSocket } from 'ws';
import { Engine } from '../src/lib/engine/engine.js';
import type { WebSocketFactory } from '../src/lib/relay-client/client.js';
import { CHROMIUM_ARGS, findChromium } from '../tests/support/chromium.js';
import { createProfile } from '../tests/browser/support/people.js';
import { printTable } from './lib/measure.js';
import { percentile, startScript, stopScript } from './lib/processes.js';
import { DEFAULT_POLICY } from '../src/lib/engine/constants.js';
import { PASSPHRASE_PARAMS } from '../src/lib/engine/argon2.js';

const LATENCY_MESSAGES = Number(process.env.LATENCY_MESSAGES ?? 200);
const SEED = Number(process.env.SEED ?? 10_000);
const SEED_BATCH = 100;
const UNLOCK_SEED = Number(process.env.UNLOCK_SEED ?? 300);
const PASSPHRASE = 'correct horse battery staple';
const argon2Label = `m = ${PASSPHRASE_PARAMS.memoryKiB / 1024} MiB, t = ${PASSPHRASE_PARAMS.iterations}, p = ${PASSPHRASE_PARAMS.parallelism}`;
const SCREEN_ROUNDS = 5;

async function until<T>(f: () => Promise<T>, ok: (v: T) => boolean, ms = 120_000): Promise<T> {
	const end = Date.now() + ms;
	for (;;) {
		const v = await f();
		if (ok(v)) return v;
		if (Date.now() > end) throw new Error('benchmark step timed out');
		await new Promise((r) => setTimeout(r, 20));
	}
}

async function person(browser: Browser, url: string, name: string, passphrase?: string): Promise<Page> {
	const page = await (await browser.newContext()).newPage();
	await page.goto(url);
	await createProfile(page, name, passphrase ? { passphrase } : {});
	return page;
}

async function invite(page: Page): Promise<string> {
	await page.getByRole('button', { name: 'New contact' }).click();
	await page.getByRole('button', { name: 'Create invitation' }).click();
	const box = page.getByRole('textbox', { name: 'Invitation link' });
	await page.waitForFunction(() => (document.querySelector('#invitation-link') as HTMLTextAreaElement | null)?.value.includes('#/join/'));
	return box.inputValue();
}

async function openChat(page: Page, name: string): Promise<string> {
	await page.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: new RegExp(name) }).click();
	await page.getByRole('textbox', { name: 'Message' }).waitFor();
	return page.evaluate(() => location.hash);
}

/** Sends from `from` by submitting the form in the page, and times until the text is on `to`'s screen. */
async function sendToShown(from: Page, to: Page, text: string): Promise<number> {
	const shown = to.evaluate(
		(t) =>
			new Promise<number>((resolve) => {
				const log = document.querySelector('[role=log]') as HTMLElement;
				const observer = new MutationObserver(() => {
					if (![...log.querySelectorAll('.body')].some((b) => b.textContent === t)) return;
					observer.disconnect();
					resolve(performance.timeOrigin + performance.now());
				});
				observer.observe(log, { childList: true, subtree: true, characterData: true });
			}),
		text
	);
	const sentAt = await from.evaluate((t) => {
		const input = document.querySelector('#message') as HTMLTextAreaElement;
		input.value = t;
		input.dispatchEvent(new Event('input', { bubbles: true }));
		const at = performance.timeOrigin + performance.now();
		(input.form as HTMLFormElement).requestSubmit();
		return at;
	}, text);
	return (await shown) - sentAt;
}

interface ScreenTime {
	/** From navigation start (page load, worker start, unlock, first render). */
	readonly fromLoad: number;
	/** From the moment the page asks the engine to open the profile (the app's unlock). */
	readonly fromUnlock: number;
}

/** Reloads and returns when the app set `mark`, from navigation start and from its unlock mark. */
async function screenTime(page: Page, mark: string): Promise<ScreenTime> {
	await page.reload();
	await page.waitForFunction((m) => performance.getEntriesByName(m).length > 0, mark, { timeout: 60_000 });
	// No named inner functions in evaluated code: tsx would wrap them in a helper the page lacks.
	return page.evaluate((m) => {
		const [shown, unlock] = [m, 'parley:unlock'].map((name) => (performance.getEntriesByName(name)[0] as PerformanceEntry).startTime) as [number, number];
		return { fromLoad: shown, fromUnlock: shown - unlock };
	}, mark);
}

/**
 * Reloads, waits for the unlock screen, submits the passphrase and returns the time from submit
 * until the chat list is shown (the app's 'parley:chats' mark), ms.
 */
async function passphraseToChats(page: Page): Promise<number> {
	await page.reload();
	await page.getByRole('textbox', { name: 'Passphrase', exact: true }).waitFor();
	return page.evaluate(
		(text) =>
			new Promise<number>((resolve) => {
				const input = document.querySelector('#unlock-passphrase') as HTMLInputElement;
				input.value = text;
				input.dispatchEvent(new Event('input', { bubbles: true }));
				const at = performance.now();
				new PerformanceObserver((list, observer) => {
					const shown = list.getEntriesByName('parley:chats')[0];
					if (!shown) return;
					observer.disconnect();
					resolve(shown.startTime - at);
				}).observe({ type: 'mark' });
				input.form?.requestSubmit();
			}),
		PASSPHRASE
	);
}

/**
 * One Argon2id derivation at PASSPHRASE_PARAMS, timed inside the engine's worker of `page` with the
 * hash-wasm build the engine bundles (its UMD file, evaluated in that worker): median of
 * SCREEN_ROUNDS, after one that also compiles the WebAssembly.
 */
async function derivationTime(page: Page): Promise<number> {
	const worker = page.workers()[0];
	if (!worker) throw new Error('the page has no engine worker');
	await worker.evaluate(readFileSync(createRequire(import.meta.url).resolve('hash-wasm/dist/argon2.umd.min.js'), 'utf8'));
	const rounds = await worker.evaluate(
		async ([params, count]) => {
			const { argon2id } = (globalThis as unknown as { hashwasm: typeof import('hash-wasm') }).hashwasm;
			const times: number[] = [];
			for (let i = 0; i <= count; i++) {
				const at = performance.now();
				await argon2id({ password: 'correct horse battery staple', salt: new Uint8Array(16), iterations: params.iterations, parallelism: params.parallelism, memorySize: params.memoryKiB, hashLength: 32, outputType: 'binary' });
				times.push(performance.now() - at);
			}
			return times.slice(1);
		},
		[PASSPHRASE_PARAMS, SCREEN_ROUNDS] as const
	);
	return percentile(rounds.sort((a, b) => a - b), 50);
}

/** The seeder sends `count` messages to `contactId`, a batch at a time, each batch delivered before the next. */
async function seed(seeder: Engine, contactId: string, count: number): Promise<void> {
	const started = Date.now();
	for (let i = 0; i < count; i += SEED_BATCH) {
		for (let j = i; j < Math.min(count, i + SEED_BATCH); j++) await seeder.sendText(contactId, `stored message ${j}: the quick brown fox jumps over the lazy dog`);
		await until(() => seeder.conversation(contactId), (p) => p.messages.at(-1)?.status === 'delivered' || p.messages.at(-1)?.status === 'read');
		process.stderr.write(`\rseeded ${Math.min(count, i + SEED_BATCH)} / ${count}`);
	}
	process.stderr.write(`\rseeded ${count} messages in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

/** Navigation start → chat list (of one chat, with `seeder`) on reloads of a new profile, with the service worker active or blocked. */
async function repeatVisit(browser: Browser, url: string, seeder: Engine, serviceWorkers: 'allow' | 'block'): Promise<number> {
	const context = await browser.newContext({ serviceWorkers });
	try {
		const page = await context.newPage();
		await page.goto(url);
		await createProfile(page, `Repeat ${serviceWorkers}`);
		await seeder.acceptInvitation(await invite(page));
		await page.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: /Seeder/ }).waitFor({ timeout: 60_000 });
		if (serviceWorkers === 'allow') await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 60_000 });
		return (await median(() => screenTime(page, 'parley:chats'))).fromLoad;
	} finally {
		await context.close();
	}
}

/** Medians over SCREEN_ROUNDS reloads. */
async function median(f: () => Promise<ScreenTime>): Promise<ScreenTime> {
	const xs: ScreenTime[] = [];
	for (let i = 0; i < SCREEN_ROUNDS; i++) xs.push(await f());
	const mid = (k: keyof ScreenTime) => xs.map((x) => x[k]).sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
	return { fromLoad: mid('fromLoad'), fromUnlock: mid('fromUnlock') };
}

export async function appBenchmark(): Promise<void> {
	console.log(`\n## App: send → shown, and screens with ${SEED.toLocaleString('en-US')} stored messages (Chromium, local relay)\n`);
	const executablePath = findChromium();
	if (!executablePath) {
		console.log('skipped: no Chromium (install Debian\'s chromium, or set PARLEY_CHROMIUM)');
		return;
	}
	execFileSync('npx', ['vite', 'build'], { stdio: 'ignore' });
	// release.json, without which the service worker installs nothing.
	execFileSync('npm', ['run', 'build:release'], { stdio: 'ignore' });
	const data = mkdtempSync(join(tmpdir(), 'parley-app-bench-'));
	const { child, match } = await startScript('src/relay/main.ts', ['--port', '0', '--host', '127.0.0.1', '--data', data, '--static', 'build'], /relay address: (\S+)[\s\S]*app: (\S+)/);
	const relayAddress = (match[1] as string).replace('localhost', '127.0.0.1');
	const appUrl = (match[2] as string).replace('localhost', '127.0.0.1');
	const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
	const seeder = new Engine({ profile: `bench-seeder-${Date.now()}`, relay: { WebSocket: WebSocket as unknown as WebSocketFactory } });
	try {
		const alice = await person(browser, appUrl, 'Alice');
		const bob = await person(browser, appUrl, 'Bob');
		await bob.goto(await invite(alice));
		await bob.getByRole('button', { name: 'Connect' }).click();
		await openChat(alice, 'Bob');
		await bob.getByRole('textbox', { name: 'Message' }).waitFor();

		const latencies: number[] = [];
		for (let i = 0; i < LATENCY_MESSAGES; i++) latencies.push(await sendToShown(alice, bob, `latency probe ${i}`));
		latencies.sort((a, b) => a - b);

		await seeder.start({ relays: [relayAddress], appUrl, policy: DEFAULT_POLICY });
		await seeder.createProfile('Seeder');
		const { contactId } = await seeder.acceptInvitation(await invite(alice));
		await seed(seeder, contactId, SEED);
		await alice.goto(`${appUrl}#/`);
		const listMs = await median(() => screenTime(alice, 'parley:chats'));
		await openChat(alice, 'Seeder');
		const conversationMs = await median(() => screenTime(alice, 'parley:conversation'));

		const carol = await person(browser, appUrl, 'Carol', PASSPHRASE);
		const carolsSeeder = await seeder.acceptInvitation(await invite(carol));
		await seed(seeder, carolsSeeder.contactId, UNLOCK_SEED);
		const unlockRounds: number[] = [];
		for (let i = 0; i < SCREEN_ROUNDS; i++) unlockRounds.push(await passphraseToChats(carol));
		const unlockMs = percentile(unlockRounds.sort((a, b) => a - b), 50);
		const derivationMs = await derivationTime(carol);
		const withWorkerMs = await repeatVisit(browser, appUrl, seeder, 'allow');
		const withoutWorkerMs = await repeatVisit(browser, appUrl, seeder, 'block');

		const ms = (x: number) => `${x.toFixed(1)} ms`;
		const row = (label: string, x: number, goal: number): string[] => [label, ms(x), `< ${goal} ms`, x < goal ? 'yes' : 'no'];
		const n = SEED.toLocaleString('en-US');
		printTable(
			['measure', 'Parley', 'goal', 'met'],
			[
				row(`send → shown, p50 (${LATENCY_MESSAGES} messages)`, percentile(latencies, 50), 50),
				row('send → shown, p99', percentile(latencies, 99), 150),
				row(`unlock → chat list (${n} messages stored), median of ${SCREEN_ROUNDS}`, listMs.fromUnlock, 300),
				row(`unlock → first screen of the ${n}-message conversation`, conversationMs.fromUnlock, 300),
				row('  the same from navigation start: chat list', listMs.fromLoad, 300),
				row('  the same from navigation start: first screen of the conversation', conversationMs.fromLoad, 300),
				row(`passphrase → chat list (${UNLOCK_SEED.toLocaleString('en-US')} messages stored), median of ${SCREEN_ROUNDS}`, unlockMs, 1300),
				row(`  Argon2id alone (${argon2Label}), in the engine's worker, median of ${SCREEN_ROUNDS}`, derivationMs, 1000),
				row('  the rest: unwrap, open the database, first render', unlockMs - derivationMs, 300),
				row(`repeat visit, navigation start → chat list, service worker active, median of ${SCREEN_ROUNDS}`, withWorkerMs, 300),
				row('  the same with service workers blocked (the app from the server)', withoutWorkerMs, 300)
			]
		);
	} finally {
		await seeder.close();
		await browser.close();
		await stopScript(child);
		rmSync(data, { recursive: true, force: true });
	}
}
