/**
 * The keyring's rules (PROTOCOL.md §9.7): the wait after wrong secrets, and which secret opens
 * which wrapping.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { needsSecret, newKeyring, openKeyring, unlockDelayMs } from '../../../src/lib/engine/keyring.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';

describe('keyring', () => {
	it('waits 1 s after the first wrong secret, doubling each time, never more than 5 minutes', () => {
		expect([0, 1, 2, 3, 4, 8, 9, 10, 50].map(unlockDelayMs)).toEqual([0, 1000, 2000, 4000, 8000, 128_000, 256_000, 300_000, 300_000]);
	});

	it('a passphrase keyring has no device wrapping and opens only with the passphrase; a kept one without opens by itself; a keep-nothing one without has none', async () => {
		const dataKey = systemRandom(32);
		const withPassphrase = await newKeyring(dataKey.slice(), 'pass phrase', false);
		expect(Object.keys(withPassphrase)).toEqual(['passphrase']);
		expect(needsSecret(withPassphrase)).toBe(true);
		await expect(openKeyring(withPassphrase)).rejects.toMatchObject({ kind: 'locked' });
		await expect(openKeyring(withPassphrase, { prf: systemRandom(32) })).rejects.toMatchObject({ kind: 'wrong-secret' });
		expect(await openKeyring(withPassphrase, { passphrase: 'pass phrase' })).toEqual(dataKey);

		const kept = await newKeyring(dataKey.slice(), '', false);
		expect(Object.keys(kept)).toEqual(['device']);
		expect(needsSecret(kept)).toBe(false);
		expect(await openKeyring(kept)).toEqual(dataKey);

		const nothing = await newKeyring(dataKey.slice(), '', true);
		expect(nothing).toEqual({});
		await expect(openKeyring(nothing)).rejects.toMatchObject({ kind: 'locked' });
	});
});
