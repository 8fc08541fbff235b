import { expect, test } from '@playwright/test';
import { ASSET_CSP } from '../../src/relay/static-files.js';
import { buildArgon2Worker, runInWorker, serve } from '../support/argon2-harness.js';

/** Small parameters: this checks that WebAssembly runs, not how long it takes (bench/argon2.ts does). */
const PARAMS = { memoryKiB: 256, iterations: 2, parallelism: 1 };

test.describe("Argon2id (hash-wasm) in a module worker served with the relay's headers", () => {
	let built: Awaited<ReturnType<typeof buildArgon2Worker>>;
	let relay: Awaited<ReturnType<typeof serve>>;
	let withoutWasm: Awaited<ReturnType<typeof serve>>;
	test.beforeAll(async () => {
		built = await buildArgon2Worker();
		relay = await serve(built.dir);
		withoutWasm = await serve(built.dir, ASSET_CSP.replace(" 'wasm-unsafe-eval'", ''));
	});
	test.afterAll(() => {
		relay.close();
		withoutWasm.close();
		built.remove();
	});

	test("runs under the worker script's own CSP, and derives what pure-JS Argon2id derives", async ({ page }) => {
		await page.goto(relay.url);
		const csp = (await page.request.get(`${relay.url}worker.js`)).headers()['content-security-policy'];
		expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
		const [ours, noble] = await runInWorker(page, [
			{ impl: 'parley', params: PARAMS },
			{ impl: 'noble', params: PARAMS }
		]);
		expect(ours).toMatchObject({ key: expect.stringMatching(/^[0-9a-f]{64}$/) });
		expect(ours).toMatchObject({ key: (noble as { key: string }).key });
	});

	test("is refused, with a clear error, when the worker's policy lacks 'wasm-unsafe-eval'", async ({ page }) => {
		await page.goto(withoutWasm.url);
		const [reply] = await runInWorker(page, [{ impl: 'parley', params: PARAMS }]);
		expect(reply).toEqual({ error: 'EngineError: This browser refused to run the passphrase key derivation (WebAssembly).' });
	});
});
