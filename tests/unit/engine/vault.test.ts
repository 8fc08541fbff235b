import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/lib/engine/errors.js';
import { createKeys, openKeys } from '../../../src/lib/engine/vault.js';

describe('at-rest vault (PROTOCOL.md §9.1)', () => {
	it('round-trips values through a non-extractable wrapping key', async () => {
		const { stored, vault } = await createKeys();
		expect(stored.wrappingKey.extractable).toBe(false);
		const value = { name: 'Alice', key: new Uint8Array([1, 2, 3]), n: 5, none: null };
		const sealed = vault.seal('contacts', 'c1', value);
		const reopened = await openKeys(stored);
		expect(reopened.open('contacts', 'c1', sealed)).toEqual(value);
		expect(vault.mark(new Uint8Array([9]))).toBe(reopened.mark(new Uint8Array([9])));
	});

	it('refuses a record moved to another id or table, and any flipped bit', async () => {
		const { vault } = await createKeys();
		const sealed = vault.seal('messages', 'a/1', { body: 'secret' });
		expect(() => vault.open('messages', 'a/2', sealed)).toThrow(EngineError);
		expect(() => vault.open('contacts', 'a/1', sealed)).toThrow(EngineError);
		// Every bit of nonce, ciphertext and tag.
		for (let bit = 0; bit < sealed.length * 8; bit++) {
			const bad = sealed.slice();
			bad[bit >> 3] = (bad[bit >> 3] as number) ^ (1 << (bit & 7));
			expect(() => vault.open('messages', 'a/1', bad), `bit ${bit}`).toThrow(EngineError);
		}
		expect(vault.open('messages', 'a/1', sealed)).toEqual({ body: 'secret' });
	});

	it('a damaged wrapped key is a clear storage error; a closed vault refuses as locked', async () => {
		const { stored, vault } = await createKeys();
		const damaged = stored.wrappedDataKey.slice();
		damaged[20] = (damaged[20] as number) ^ 1;
		await expect(openKeys({ ...stored, wrappedDataKey: damaged })).rejects.toMatchObject({ kind: 'storage' });
		vault.close();
		expect(() => vault.seal('meta', 'profile', {})).toThrow(expect.objectContaining({ kind: 'locked' }));
	});
});
