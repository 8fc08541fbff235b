/**
 * own-script.ts against a fake Cache Storage: a worker knows the script its install verified, also
 * after the browser started it again (a new module instance), by its lifecycle slot.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

let stored: Map<string, Map<string, string>>;

beforeEach(() => {
	stored = new Map();
	vi.resetModules();
	vi.stubGlobal('caches', {
		open: async (name: string) => {
			const cache = stored.get(name) ?? new Map<string, string>();
			stored.set(name, cache);
			return { put: async (key: string, res: Response) => void cache.set(key, await res.text()) };
		},
		match: async (key: string, { cacheName }: { cacheName: string }) => {
			const text = stored.get(cacheName)?.get(key);
			return text === undefined ? undefined : new Response(text);
		}
	});
});
afterEach(() => vi.unstubAllGlobals());

/** The worker's script run anew, as when the browser stops an idle worker and starts it again. */
async function startedAgain() {
	vi.resetModules();
	return import('../../../src/lib/shell/own-script.js');
}

describe('ownScript', () => {
	it('is the integrity the install verified, after a restart too, per lifecycle slot', async () => {
		const first = await startedAgain();
		await first.rememberInstalled('sha384-first');
		expect(await first.ownScript('installed')).toBe('sha384-first');
		expect(await (await startedAgain()).ownScript('installed')).toBe('sha384-first');

		await (await startedAgain()).rememberActivated();
		// A newer worker installs and waits: the active one is still the first.
		await (await startedAgain()).rememberInstalled('sha384-newer');
		const again = await startedAgain();
		expect(await again.ownScript('activated')).toBe('sha384-first');
		expect(await again.ownScript('installed')).toBe('sha384-newer');
	});

	it('is null for a worker whose install remembered nothing', async () => {
		expect(await (await startedAgain()).ownScript('activated')).toBeNull();
	});
});
