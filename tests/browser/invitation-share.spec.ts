/**
 * Handing an invitation over (issue 11, "Invitations"): the created link is shown apart from the
 * field where a received link is pasted, and focus moves to it; "Share…" hands the link to the
 * system's share sheet where there is one; "Scan a QR code" reads an invitation with the camera
 * where the browser can read QR codes, and stops the camera; a pending invitation's label is renamed.
 *
 * Headless Chromium on Linux has neither a share sheet nor a `BarcodeDetector`: the tests that need
 * them give the page stand-ins (a recording `navigator.share`; a `BarcodeDetector` that "sees" the
 * codes the test lists, over a camera made of a canvas), so what is tested is this app's part.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { APP_URL, createInvitation, createProfile, invite, newPerson } from './support/people.js';

const chatLinks = (page: Page) => page.getByRole('navigation', { name: 'Chats' }).getByRole('link');

/** A new person whose pages run `standIns(arg)` before the app's own scripts run. */
async function personWith(browser: Browser, name: string, standIns: (arg: string[]) => void, arg: string[] = []): Promise<Page> {
	const context = await browser.newContext();
	await context.addInitScript(standIns, arg);
	const page = await context.newPage();
	await page.goto(`${APP_URL}/`);
	await createProfile(page, name);
	return page;
}

test('a created invitation is shown apart from the link field, which stays free for a received link', async ({ browser }) => {
	const alice = await newPerson(browser, 'Alice');
	const link = await invite(alice);
	await expect(alice.getByRole('heading', { level: 3, name: 'Your invitation' })).toBeFocused();
	const field = alice.getByRole('textbox', { name: 'Invitation link' });
	await expect(field).toHaveValue('');
	await expect(field).toBeEditable();
	await expect(alice.getByRole('textbox', { name: 'Link to send' })).not.toBeEditable();
	await expect(alice.getByRole('button', { name: 'Share…' })).toHaveCount(0);
	await expect(alice.getByRole('button', { name: 'Scan a QR code' })).toHaveCount(0);

	const bob = await newPerson(browser, 'Bob');
	const back = await invite(bob);
	await field.fill(back);
	await expect(alice.getByRole('button', { name: 'Connect' })).toBeEnabled();
	await alice.getByRole('button', { name: 'Connect' }).click();
	await expect(alice.getByRole('heading', { level: 2, name: 'Bob' })).toBeVisible({ timeout: 30_000 });
	expect(link).not.toBe(back);
	await Promise.all([alice, bob].map((p) => p.context().close()));
});

test('"Share…" hands the link to the system share sheet; a cancelled share is no error', async ({ browser }) => {
	const page = await personWith(browser, 'Sue', () => {
		const shared: ShareData[] = [];
		Object.assign(window, { shared });
		navigator.share = async (data?: ShareData) => {
			if (shared.length === 1) throw new DOMException('The person closed the sheet.', 'AbortError');
			shared.push(data ?? {});
		};
	});
	const link = await invite(page);
	await page.getByRole('button', { name: 'Share…' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'Shared.' })).toBeVisible();
	expect(await page.evaluate(() => (window as unknown as { shared: ShareData[] }).shared)).toEqual([
		{ title: 'Parley invitation', text: 'Chat with me on Parley, end-to-end encrypted:', url: link }
	]);
	await page.getByRole('button', { name: 'Share…' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'Shared.' })).toHaveCount(0);
	await expect(page.getByRole('alert')).toHaveCount(0);
	await page.context().close();
});

test('"Scan a QR code" reads an invitation with the camera, passes over other codes, and stops the camera', async ({ browser }) => {
	const alice = await newPerson(browser, 'Alice');
	const link = await invite(alice);

	const bob = await personWith(browser, 'Bob', (codes: string[]) => {
		const tracks: MediaStreamTrack[] = [];
		Object.assign(window, { cameraTracks: tracks });
		// A camera: a canvas's picture. The detector "sees" the listed codes, one per look.
		navigator.mediaDevices.getUserMedia = async () => {
			const canvas = document.createElement('canvas');
			canvas.getContext('2d')?.fillRect(0, 0, 10, 10);
			const stream = canvas.captureStream(5);
			tracks.push(...stream.getTracks());
			return stream;
		};
		class BarcodeDetector {
			static async getSupportedFormats() {
				return ['qr_code'];
			}
			async detect() {
				const next = codes.shift();
				return next === undefined ? [] : [{ rawValue: next }];
			}
		}
		Object.assign(window, { BarcodeDetector });
	}, ['WIFI:S:home;T:WPA;P:secret;;', link]);
	await bob.getByRole('button', { name: 'New contact' }).click();
	await bob.getByRole('button', { name: 'Scan a QR code' }).click();
	const dialog = bob.getByRole('dialog', { name: 'Scan an invitation' });
	await expect(dialog).toBeVisible();
	await expect(dialog).toBeHidden({ timeout: 20_000 });
	await expect(bob.getByRole('textbox', { name: 'Invitation link' })).toHaveValue(link);
	expect(await bob.evaluate(() => (window as unknown as { cameraTracks: MediaStreamTrack[] }).cameraTracks.map((t) => t.readyState))).toEqual(['ended']);
	await bob.getByRole('button', { name: 'Connect' }).click();
	await expect(bob.getByRole('heading', { level: 2, name: 'Alice' })).toBeVisible({ timeout: 30_000 });
	await Promise.all([alice, bob].map((p) => p.context().close()));
});

test('a camera the person refuses is explained, and Cancel closes the scanner', async ({ browser }) => {
	const page = await personWith(browser, 'Cam', () => {
		navigator.mediaDevices.getUserMedia = async () => {
			throw new DOMException('Permission denied', 'NotAllowedError');
		};
		Object.assign(window, { BarcodeDetector: class { static async getSupportedFormats() { return ['qr_code']; } } });
	});
	await page.getByRole('button', { name: 'New contact' }).click();
	await page.getByRole('button', { name: 'Scan a QR code' }).click();
	const dialog = page.getByRole('dialog', { name: 'Scan an invitation' });
	await expect(dialog.getByRole('alert')).toHaveText('The camera could not be opened. Allow it in the browser’s site settings, or paste the link instead.');
	await dialog.getByRole('button', { name: 'Cancel' }).click();
	await expect(dialog).toBeHidden();
	await expect(page.getByRole('button', { name: 'Scan a QR code' })).toBeFocused();
	await page.context().close();
});

test('a pending invitation’s label is renamed from its screen', async ({ browser }) => {
	const alice = await newPerson(browser, 'Ava');
	await alice.getByRole('button', { name: 'New contact' }).click();
	await alice.getByRole('textbox', { name: /^Who is it for\?/ }).fill('for Sam');
	await createInvitation(alice);
	await chatLinks(alice).filter({ hasText: 'for Sam' }).click();
	await alice.getByRole('link', { name: 'Contact details' }).click();
	await alice.getByRole('textbox', { name: 'Contact name' }).fill('for Samuel');
	await alice.getByRole('button', { name: 'Rename' }).click();
	await expect(chatLinks(alice)).toHaveCount(1);
	await expect(chatLinks(alice).first()).toContainText('for Samuel');
	await alice.context().close();
});
