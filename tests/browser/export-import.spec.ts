/**
 * Export and import (issue 9): Ada chats with Bert, exports her profile to a file with a
 * passphrase, and a fresh browser context imports it; the conversation continues there both ways,
 * while Ada's first copy shows the Moved screen, also after a reload. A file with a byte of its
 * encrypted contents flipped and a wrong passphrase are refused, each with its own plain message,
 * and leave the new context at Welcome with no profile stored. A kiosk host forces keep-nothing
 * on import and turns export off.
 */
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { APP_URL, createProfile, openChat } from './support/people.js';
import { chattingPair, exchange } from './support/pair.js';
import { inventory } from './support/storage-inventory.js';

test.describe.configure({ mode: 'serial' });

const PASSPHRASE = 'correct horse battery staple';
let ada: Page;
let bert: Page;
/** The fresh context that imports Ada's file, after a damaged file and a wrong passphrase. */
let carla: Page;
let file: Buffer;
let fileName: string;

const importDialog = (page: Page) => page.getByRole('dialog', { name: 'Import a profile' });

async function importFile(page: Page, bytes: Buffer, passphrase: string): Promise<void> {
	await page.getByRole('button', { name: 'Import profile' }).click();
	const dialog = importDialog(page);
	await dialog.getByLabel('Profile file').setInputFiles({ name: fileName, mimeType: 'application/octet-stream', buffer: bytes });
	await dialog.getByRole('textbox', { name: 'Passphrase' }).fill(passphrase);
	await dialog.getByRole('button', { name: 'Import', exact: true }).click();
}

/** Nothing of a profile is stored: no record in any IndexedDB database of the origin. */
async function storedRecords(page: Page): Promise<number> {
	return (await inventory(page)).indexedDb.flatMap((db) => Object.values(db.stores)).reduce((n, c) => n + c, 0);
}

test.beforeAll(async ({ browser }) => {
	({ a: ada, b: bert } = await chattingPair(browser, 'Ada', 'Bert'));
});

test('Export says the copy will be moved, asks a passphrase twice and downloads the file', async () => {
	await ada.getByRole('link', { name: 'Settings' }).click();
	await expect(ada.getByText('This browser may delete your profile on its own when the disk runs short of space.')).toBeVisible();
	const open = ada.getByRole('button', { name: 'Export profile' });
	await open.click();
	const dialog = ada.getByRole('dialog', { name: 'Export this profile?' });
	await expect(dialog).toContainText('this copy is locked and marked as moved');
	await expect(dialog.getByRole('textbox', { name: 'Passphrase' })).toBeFocused();
	await dialog.getByRole('textbox', { name: 'Passphrase' }).fill(PASSPHRASE);
	await dialog.getByRole('textbox', { name: 'Repeat it' }).fill(`${PASSPHRASE}!`);
	await dialog.getByRole('button', { name: 'Make the file' }).click();
	await expect(dialog.getByRole('alert')).toHaveText('The two passphrases are not the same. Type them again.');

	await dialog.getByRole('textbox', { name: 'Passphrase' }).fill(PASSPHRASE);
	await dialog.getByRole('textbox', { name: 'Repeat it' }).fill(PASSPHRASE);
	const downloaded = ada.waitForEvent('download');
	await dialog.getByRole('button', { name: 'Make the file' }).click();
	const download = await downloaded;
	fileName = download.suggestedFilename();
	expect(fileName).toMatch(/^parley-profile-\d{4}-\d{2}-\d{2}\.parley$/);
	file = await readFile(await download.path());
	expect(file.includes(Buffer.from('Bert'))).toBe(false);

	await ada.getByRole('dialog', { name: 'Your profile is in the file' }).getByRole('button', { name: 'Done' }).click();
	await expect(ada.getByRole('heading', { name: /moved/i })).toBeVisible();
	await expect(ada.locator('body')).not.toContainText('Bert');
});

test('a damaged file and a wrong passphrase are refused plainly, and nothing is stored', async ({ browser }) => {
	carla = await (await browser.newContext()).newPage();
	const page = carla;
	await page.goto(`${APP_URL}/`);
	const alert = importDialog(page).getByRole('alert');
	// A byte of the encrypted contents: the passphrase is right, the file is not.
	const damaged = Buffer.from(file);
	const middle = Math.floor(damaged.length / 2);
	damaged.writeUInt8(damaged.readUInt8(middle) ^ 0x01, middle);
	await importFile(page, damaged, PASSPHRASE);
	await expect(alert).toHaveText('The export file is damaged or incomplete: make the export again, or use another copy.', { timeout: 30_000 });

	await importDialog(page).getByLabel('Profile file').setInputFiles({ name: fileName, mimeType: 'application/octet-stream', buffer: file });
	await importDialog(page).getByRole('textbox', { name: 'Passphrase' }).fill('not the passphrase');
	await importDialog(page).getByRole('button', { name: 'Import', exact: true }).click();
	await expect(alert).toHaveText('The passphrase does not open this export file.', { timeout: 30_000 });

	await page.keyboard.press('Escape');
	await expect(page.getByRole('button', { name: 'Import profile' })).toBeFocused();
	await expect(page.getByRole('button', { name: 'Create profile' })).toBeVisible();
	expect(await storedRecords(page)).toBe(0);
	await page.reload();
	await expect(page.getByRole('button', { name: 'Create profile' })).toBeVisible();
});

test('the same context then imports the intact file, and the conversation continues both ways', async () => {
	// This browser keeps the origin's data for good (a real one decides by its own rules, e.g. bookmarks or installs).
	const cdp = await carla.context().newCDPSession(carla);
	const { targetInfo } = await cdp.send('Target.getTargetInfo');
	await cdp.send('Browser.grantPermissions', { origin: APP_URL, permissions: ['durableStorage'], browserContextId: targetInfo.browserContextId });
	await importFile(carla, file, PASSPHRASE);
	await expect(carla.getByRole('button', { name: 'New contact' })).toBeVisible({ timeout: 30_000 });
	await openChat(carla, 'Bert');
	await expect(carla.getByRole('log', { name: 'Messages' })).toContainText('Bert answers');
	await exchange(carla, bert, 'Ada again, from another browser', 'Bert hears you');
	// Settings says so (Ada's browser, without the grant, was said to be one that may evict).
	await carla.getByRole('link', { name: 'Settings' }).click();
	await expect(carla.getByText('This browser keeps your profile until you delete it.')).toBeVisible();
});

test('the exported copy stays moved after a reload', async () => {
	await ada.reload();
	await expect(ada.getByRole('heading', { name: /moved/i })).toBeVisible({ timeout: 30_000 });
	await expect(ada.locator('body')).not.toContainText('Bert');
	await expect(ada.getByRole('button', { name: 'New contact' })).toHaveCount(0);
});

test('a kiosk host: Import keeps nothing and cannot be told otherwise, and Settings says export is off', async ({ browser }) => {
	const context = await browser.newContext();
	await context.route(`${APP_URL}/config.json`, (route) => route.fulfill({ json: { relays: ['same-origin'], keepNothing: 'always', allowExport: false } }));
	const page = await context.newPage();
	await page.goto(`${APP_URL}/`);
	await page.getByRole('button', { name: 'Import profile' }).click();
	const box = importDialog(page).getByRole('checkbox', { name: 'Keep nothing on this device' });
	await expect(box).toBeChecked();
	await expect(box).toBeDisabled();
	await page.keyboard.press('Escape');
	await createProfile(page, 'Kiosk Visitor');
	await page.getByRole('link', { name: 'Settings' }).click();
	await expect(page.getByText('Whoever runs this Parley turned export off.')).toBeVisible();
	await expect(page.getByRole('button', { name: 'Export profile' })).toHaveCount(0);
	await context.close();
});
