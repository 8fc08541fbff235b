/**
 * persistence.ts against a fake StorageManager: a kept profile asks the browser once to keep its
 * data, a keep-nothing profile never asks, and Settings' answer follows `persisted()`.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProfileView } from '../../../src/lib/engine/api.js';

const kept: ProfileView = { name: 'Ada', keepNothing: false, passphrase: true, passkey: false };
const session: ProfileView = { ...kept, keepNothing: true };

let persisted: boolean;
let persist: ReturnType<typeof vi.fn>;

beforeEach(() => {
	vi.resetModules();
	persisted = false;
	persist = vi.fn(async () => (persisted = true));
	vi.stubGlobal('navigator', { storage: { persist, persisted: async () => persisted } });
});

afterEach(() => vi.unstubAllGlobals());

// A fresh module each time: "once per page" is module state.
const load = () => import('../../../src/lib/ui/persistence.js');

describe('askToKeep', () => {
	it('asks the browser for a kept profile, and Settings then says it is kept', async () => {
		const { askToKeep, keeping } = await load();
		expect(await keeping()).toBe('may-evict');
		await askToKeep(kept);
		expect(persist).toHaveBeenCalledTimes(1);
		expect(await keeping()).toBe('kept');
	});

	it('asks only once per page, even when the browser says no', async () => {
		persist.mockResolvedValue(false);
		const { askToKeep, keeping } = await load();
		await askToKeep(kept);
		await askToKeep(kept);
		expect(persist).toHaveBeenCalledTimes(1);
		expect(await keeping()).toBe('may-evict');
	});

	it('never asks for a keep-nothing profile', async () => {
		const { askToKeep } = await load();
		await askToKeep(session);
		expect(persist).not.toHaveBeenCalled();
	});

	it('does not ask again when the browser already keeps the data', async () => {
		persisted = true;
		const { askToKeep } = await load();
		await askToKeep(kept);
		expect(persist).not.toHaveBeenCalled();
	});
});

it('says unknown where the browser has no Storage API', async () => {
	vi.stubGlobal('navigator', {});
	const { keeping } = await load();
	expect(await keeping()).toBe('unknown');
});
