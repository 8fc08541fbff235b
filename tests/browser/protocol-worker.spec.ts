import { expect, test } from '@playwright/test';

test('two people in two Web Workers connect through a link and talk, post-quantum, in Chromium', async ({ page }) => {
	await page.goto('/');
	await expect(page.getByRole('status')).toHaveText('ready');
	const report = await page.evaluate(() => window.runConversation(5));

	expect(report.link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#\/join\/[A-Za-z0-9_-]{1700,}$/);
	expect(report.safetyCodes[0]).toMatch(/^(\d{5} ){11}\d{5}$/);
	expect(report.safetyCodes[0]).toBe(report.safetyCodes[1]);
	expect(report.peerSentReplyQueue).toBe(true);
	expect(report.received).toEqual(Array.from({ length: 5 }, (_, i) => [`alice ${i}`, `bob ${i}`]).flat());
	expect(report.tamperedRejected).toBe(true);
});
