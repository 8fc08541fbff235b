/**
 * WebKit people: WebKitGTK's MiniBrowser, the closest to Safari Debian has, each started by a
 * WebKitWebDriver of its own (a driver serves one session) on one Xvfb display, and driven by
 * webdriverio over classic WebDriver (the driver refuses BiDi) with `aria/` selectors.
 *
 * Guarantees: `shutdown()` ends every session, driver and the X server it started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { remote } from 'webdriverio';
import { ensureWebKit } from '../../support/engines.js';
import { PATIENCE_MS, until, type Engine, type Person } from './person.js';
import { WEBKIT_DRIVER_PORTS } from './ports.js';

/** Starts Xvfb on a display number it picks itself (-displayfd), and returns ":N". */
async function startX(xvfb: string): Promise<{ display: string; process: ChildProcess }> {
	const x = spawn(xvfb, ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
	let errors = '';
	x.stderr?.on('data', (d) => (errors += String(d)));
	const display = await new Promise<string>((resolve, reject) => {
		x.stdio[3]?.once('data', (d) => resolve(`:${String(d).trim()}`));
		x.once('exit', (code) => reject(new Error(`Xvfb exited (${code}) before it opened a display: ${errors.trim()}`)));
	});
	return { display, process: x };
}

/** The one X server, kept as a promise: the two people of a test start at once. */
let x: Promise<{ display: string; process: ChildProcess }> | undefined;
const drivers = new Map<number, ChildProcess>();

async function startDriver(driver: string, display: string): Promise<number> {
	const port = WEBKIT_DRIVER_PORTS.find((p) => !drivers.has(p));
	if (port === undefined) throw new Error(`WebKit: more than ${WEBKIT_DRIVER_PORTS.length} sessions at once`);
	const child = spawn(driver, [`--port=${port}`, '--host=127.0.0.1'], { env: { ...process.env, DISPLAY: display }, stdio: 'ignore' });
	drivers.set(port, child);
	child.once('exit', () => drivers.delete(port));
	await until(`WebKitWebDriver listening on ${port}`, async () => ((await fetch(`http://127.0.0.1:${port}/status`).catch(() => null))?.ok ? true : undefined));
	return port;
}

function stopDriver(port: number): Promise<void> {
	const child = drivers.get(port);
	if (!child || child.exitCode !== null) return Promise.resolve();
	return new Promise((resolve) => {
		child.once('exit', () => resolve());
		child.kill();
	});
}

export const webkit: Engine = {
	name: 'WebKit',
	async open(url) {
		const programs = ensureWebKit();
		x ??= startX(programs.xvfb);
		const port = await startDriver(programs.driver, (await x).display);
		// WebKitGTK's own capability, which webdriverio's types do not list.
		const capabilities = {
			browserName: 'MiniBrowser',
			'wdio:enforceWebDriverClassic': true,
			'webkitgtk:browserOptions': { binary: programs.miniBrowser, args: ['--automation'] }
		};
		const browser = await remote({ hostname: '127.0.0.1', port, logLevel: 'error', capabilities });
		await browser.url(url);
		const control = async (name: string) => {
			const element = browser.$(`aria/${name}`);
			await element.waitForDisplayed({ timeout: PATIENCE_MS });
			return element;
		};
		const person: Person = {
			engine: 'WebKit',
			async goto(to) {
				await browser.url(to);
			},
			async reload() {
				await browser.refresh();
			},
			async fill(name, text) {
				await (await control(name)).setValue(text);
			},
			async press(name) {
				const target = await control(name);
				await target.waitForEnabled({ timeout: PATIENCE_MS });
				await target.click();
			},
			async waitForButton(name) {
				await control(name);
			},
			async follow(nav, text) {
				const link = browser.$(`nav[aria-label="${nav}"]`).$(`a*=${text}`);
				await link.waitForDisplayed({ timeout: PATIENCE_MS });
				await link.click();
			},
			async value(name) {
				return (await control(name)).getValue();
			},
			run: <T>(expression: string) => browser.execute(`return ${expression}`) as Promise<T>,
			async close() {
				await browser.deleteSession();
				await stopDriver(port);
			}
		};
		return person;
	},
	async shutdown() {
		await Promise.all([...drivers.keys()].map(stopDriver));
		const server = await x?.catch(() => undefined);
		x = undefined;
		if (!server || server.process.exitCode !== null) return;
		await new Promise((resolve) => {
			server.process.once('exit', resolve);
			server.process.kill();
		});
	}
};
