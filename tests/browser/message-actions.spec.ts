/**
 * The message list (issue 11, "Conversation" and "Keyboard"). With a mouse (1280×800), each
 * message's actions are a toolbar overlaid beside its bubble, shown on hover or while focus is in
 * the message, and a hidden toolbar adds no height. On a touch screen (390×844) a long press or
 * the context menu opens the same actions as a menu. The log is one Tab stop; arrow keys, Home and
 * End move between messages. Reactions are chips with counts that toggle my own; the other
 * person's message groups start with an initials avatar whose text contrast is at least 4.5:1.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { chattingPair, deskAndPhone } from './support/pair.js';
import { bodies, messageItem, messageLog, send } from './support/people.js';

/** How far the row's height is from its bubble's, in CSS pixels. */
async function extraHeight(item: Locator): Promise<number> {
	const row = await item.boundingBox();
	const bubble = await item.locator('.bubble').boundingBox();
	return Math.abs((row?.height ?? 0) - (bubble?.height ?? -1));
}

/** WCAG contrast of an element's text colour on its background colour (both plain rgb()). */
async function contrast(el: Locator): Promise<number> {
	return el.evaluate((node) => {
		const style = getComputedStyle(node);
		const lum = (css: string) => {
			const [r, g, b] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
				const c = Number(v) / 255;
				return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
			});
			return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
		};
		const [hi, lo] = [lum(style.color), lum(style.backgroundColor)].sort((a, b) => b - a);
		return ((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05);
	});
}

test.describe('with a mouse and a keyboard', () => {
	test.describe.configure({ mode: 'serial' });
	let alice: Page;
	let bob: Page;

	test.beforeAll(async ({ browser }) => {
		({ a: alice, b: bob } = await chattingPair(browser, 'Alice', 'Bob Dylan'));
		for (const page of [alice, bob]) await page.setViewportSize({ width: 1280, height: 800 });
		await send(bob, 'second from Bob');
		await expect(messageItem(alice, 'second from Bob')).toBeVisible({ timeout: 30_000 });
		await send(alice, 'Alice again');
		await expect(messageItem(alice, 'Alice again')).toBeVisible();
	});

	test('hidden actions take no space; hovering a message shows its toolbar', async () => {
		for (const text of ['Alice says hello', 'Bob Dylan answers', 'Alice again']) expect(await extraHeight(messageItem(alice, text))).toBeLessThan(0.5);
		const toolbar = messageItem(alice, 'Bob Dylan answers').getByRole('toolbar', { name: 'Message actions' });
		await expect(toolbar).toHaveCSS('opacity', '0');
		await messageItem(alice, 'Bob Dylan answers').hover();
		await expect(toolbar).toHaveCSS('opacity', '1');
		await expect(toolbar).toMatchAriaSnapshot('- toolbar "Message actions":\n  - button "Reply"\n  - button "React"\n  - button "Delete"');
		await expect(messageItem(alice, 'Alice again').getByRole('toolbar')).toMatchAriaSnapshot('- toolbar "Message actions":\n  - button "Reply"\n  - button "React"\n  - button "Edit"\n  - button "Delete"');
	});

	test('the log is one Tab stop; arrow keys, Home and End move between messages; Tab reaches the actions', async () => {
		const log = messageLog(alice);
		await alice.getByRole('textbox', { name: 'Message' }).focus();
		await alice.keyboard.press('Shift+Tab');
		// Backwards from the message box: the newest message's actions, then the message itself.
		await expect(messageItem(alice, 'Alice again').getByRole('button', { name: 'Delete' })).toBeFocused();
		await expect(messageItem(alice, 'Alice again').getByRole('toolbar')).toHaveCSS('opacity', '1');
		for (let i = 0; i < 4; i++) await alice.keyboard.press('Shift+Tab');
		await expect(messageItem(alice, 'Alice again')).toBeFocused();
		await expect(log.locator('li[tabindex="0"]')).toHaveCount(1);
		await alice.keyboard.press('ArrowUp');
		await expect(messageItem(alice, 'second from Bob')).toBeFocused();
		await alice.keyboard.press('Home');
		await expect(messageItem(alice, 'Alice says hello')).toBeFocused();
		await alice.keyboard.press('ArrowDown');
		await expect(messageItem(alice, 'Bob Dylan answers')).toBeFocused();
		await expect(log.locator('li[tabindex="0"]')).toHaveCount(1);
		await alice.keyboard.press('Tab');
		await expect(messageItem(alice, 'Bob Dylan answers').getByRole('button', { name: 'Reply' })).toBeFocused();
		await alice.keyboard.press('End');
		await expect(messageItem(alice, 'Bob Dylan answers').getByRole('button', { name: 'Reply' })).toBeFocused();
		await messageItem(alice, 'Bob Dylan answers').focus();
		await alice.keyboard.press('End');
		await expect(messageItem(alice, 'Alice again')).toBeFocused();
	});

	test('reacting from the toolbar puts focus back on the message; chips count and toggle my reaction', async () => {
		const message = messageItem(alice, 'Bob Dylan answers');
		await message.focus();
		await alice.keyboard.press('Tab');
		await alice.keyboard.press('Tab');
		await expect(message.getByRole('button', { name: 'React', exact: true })).toBeFocused();
		await alice.keyboard.press('Enter');
		await message.getByRole('group', { name: 'Reactions' }).getByRole('button', { name: 'React 👍' }).press('Enter');
		await expect(message).toBeFocused();
		const mine = message.getByRole('button', { name: '👍, 1 reaction, including you', exact: true });
		await expect(mine).toHaveText('👍 1');
		await expect(mine).toHaveAttribute('aria-pressed', 'true');

		const atBob = messageItem(bob, 'Bob Dylan answers').getByRole('button', { name: '👍, 1 reaction', exact: true });
		await expect(atBob).toHaveAttribute('aria-pressed', 'false', { timeout: 30_000 });
		await atBob.click();
		await expect(messageItem(bob, 'Bob Dylan answers').getByRole('button', { name: '👍, 2 reactions, including you', exact: true })).toHaveText('👍 2');
		await expect(message.getByRole('button', { name: '👍, 2 reactions, including you', exact: true })).toBeVisible({ timeout: 30_000 });
		await message.getByRole('button', { name: '👍, 2 reactions, including you', exact: true }).click();
		await expect(message.getByRole('button', { name: '👍, 1 reaction', exact: true })).toHaveAttribute('aria-pressed', 'false');
		// A reaction adds its chips' height only: the row is its bubble and its chips.
		const chips = await message.locator('.chips').boundingBox();
		const row = await message.boundingBox();
		const bubble = await message.locator('.bubble').boundingBox();
		expect(Math.abs((row?.height ?? 0) - ((chips?.y ?? 0) + (chips?.height ?? 0) - (bubble?.y ?? 0)))).toBeLessThan(0.5);
	});

	test('initials avatars start the other person’s groups only, decorative, readable in both themes', async () => {
		await expect(messageItem(alice, 'Bob Dylan answers').locator('.avatar')).toHaveText('BD');
		await expect(messageItem(alice, 'Bob Dylan answers').locator('.avatar')).toHaveAttribute('aria-hidden', 'true');
		// Bob's second message runs on from his first: no second avatar; my own messages have none.
		await expect(messageItem(alice, 'second from Bob').locator('.avatar')).toHaveCount(0);
		for (const text of ['Alice says hello', 'Alice again']) await expect(messageItem(alice, text).locator('.avatar')).toHaveCount(0);
		await expect(messageItem(bob, 'Alice says hello').locator('.avatar')).toHaveText('A');
		expect((await bodies(alice)).all).toContain('Bob Dylan answers');
		for (const colorScheme of ['light', 'dark'] as const) {
			await alice.emulateMedia({ colorScheme });
			expect(await contrast(messageItem(alice, 'Bob Dylan answers').locator('.avatar'))).toBeGreaterThanOrEqual(4.5);
		}
		await alice.emulateMedia({ colorScheme: null });
	});
});

test('on a touch screen, a long press or the context menu opens the actions as a menu', async ({ browser }) => {
	const { desk, phone } = await deskAndPhone(browser, 'Dana Desk', 'Pia Phone');
	await send(desk, 'to the phone');
	await send(phone, 'from the phone');
	const theirs = messageItem(phone, 'to the phone');
	await expect(theirs).toBeVisible({ timeout: 30_000 });

	await expect(theirs.getByRole('toolbar')).toBeHidden();
	for (const item of [theirs, messageItem(phone, 'from the phone')]) expect(await extraHeight(item)).toBeLessThan(0.5);

	// A long press: a finger down on the bubble, held until the menu shows.
	const box = await theirs.locator('.bubble').boundingBox();
	const point = { x: (box?.x ?? 0) + 10, y: (box?.y ?? 0) + 10 };
	const cdp = await phone.context().newCDPSession(phone);
	await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [point] });
	const menu = phone.getByRole('dialog', { name: 'Message actions' });
	await expect(menu).toBeVisible();
	await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
	await expect(menu.getByRole('button', { name: /^(Reply|Edit|Delete|Cancel)$/ })).toHaveText(['Reply', 'Delete', 'Cancel']);
	await menu.getByRole('button', { name: 'React 👍' }).tap();
	await expect(menu).toBeHidden();
	await expect(theirs.getByRole('button', { name: '👍, 1 reaction, including you', exact: true })).toBeVisible();

	await messageItem(phone, 'from the phone').dispatchEvent('contextmenu');
	await expect(menu.getByRole('button', { name: /^(Reply|Edit|Delete|Cancel)$/ })).toHaveText(['Reply', 'Edit', 'Delete', 'Cancel']);
	await menu.getByRole('button', { name: 'Reply' }).tap();
	await expect(menu).toBeHidden();
	await expect(phone.getByText('Replying to yourself')).toBeVisible();
	await expect(phone.getByRole('textbox', { name: 'Message' })).toBeFocused();
});
