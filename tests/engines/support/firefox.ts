/**
 * Firefox people: each a Firefox ESR of its own (tests/support/engines.ts finds it), headless,
 * driven by puppeteer-core over WebDriver BiDi and found by ARIA selectors. Puppeteer's locators
 * never settle in Firefox 140 (their stability checks time out), so each control is awaited with
 * `waitForSelector` and then used.
 */
import puppeteer, { type ElementHandle, type Page } from 'puppeteer-core';
import { ensureFirefox } from '../../support/engines.js';
import { PATIENCE_MS, until, type Engine, type Person } from './person.js';

async function control(page: Page, name: string, role: 'button' | 'link'): Promise<ElementHandle> {
	const handle = await page.waitForSelector(`::-p-aria(${name}[role="${role}"])`, { visible: true, timeout: PATIENCE_MS });
	if (!handle) throw new Error(`Firefox: no ${role} named "${name}"`);
	return handle;
}

/**
 * The text field named `name`. By name alone: Firefox gives a password field no ARIA role (HTML-AAM
 * maps none), so `[role="textbox"]` would miss "Passphrase".
 */
function field(page: Page, name: string): Promise<ElementHandle> {
	return until(`Firefox: a text field named "${name}"`, async () => {
		for (const handle of await page.$$(`::-p-aria(${name})`)) {
			if (await handle.evaluate((el) => el.matches('input, textarea') && el.checkVisibility())) return handle;
		}
		return undefined;
	});
}

export const firefox: Engine = {
	name: 'Firefox',
	async open(url) {
		const browser = await puppeteer.launch({ browser: 'firefox', executablePath: ensureFirefox(), headless: true });
		const [page = await browser.newPage()] = await browser.pages();
		await page.goto(url);
		const person: Person = {
			engine: 'Firefox',
			async goto(to) {
				await page.goto(to);
			},
			async reload() {
				await page.reload();
			},
			async fill(name, text) {
				const box = await field(page, name);
				await box.evaluate((el) => ((el as HTMLInputElement).value = ''));
				await box.type(text);
			},
			async press(name, role = 'button') {
				const target = await control(page, name, role);
				await until(`Firefox: ${role} "${name}" enabled`, async () => ((await target.evaluate((el) => !el.matches(':disabled'))) ? true : undefined));
				await target.click();
			},
			async waitForButton(name) {
				await control(page, name, 'button');
			},
			async follow(nav, text) {
				const link = await page.waitForSelector(`nav[aria-label="${nav}"] a ::-p-text(${text})`, { visible: true, timeout: PATIENCE_MS });
				await link?.click();
			},
			async value(name) {
				return (await field(page, name)).evaluate((el) => (el as HTMLInputElement).value);
			},
			run: <T>(expression: string) => page.evaluate(expression) as Promise<T>,
			close: () => browser.close()
		};
		return person;
	},
	async shutdown() {}
};
