/**
 * A browser context's network, cut for real and restored (PLATFORM-NOTES: Playwright's `setOffline`
 * cuts neither open WebSockets nor a service worker's own fetches).
 *
 * Guarantees: once `cut()` resolved, every request of the context (its service worker's too) fails
 * as a lost connection, every WebSocket it had open is closed and new ones are refused, and the
 * browser itself believes it is offline (`navigator.onLine`, Background Sync). `restore()` undoes
 * all of it. The routes are installed before the context's first page opens, so every WebSocket
 * is one the test can close.
 */
import type { BrowserContext, Page, WebSocketRoute } from '@playwright/test';
import type { SilenceableForwarder } from '../../support/silenceable-forwarder.js';
import { APP_URL } from './people.js';

export interface Network {
	cut(): Promise<void>;
	restore(): Promise<void>;
}

export async function controlledNetwork(context: BrowserContext): Promise<Network> {
	let down = false;
	const sockets = new Set<WebSocketRoute>();
	await context.route('**/*', (route) => (down ? route.abort('internetdisconnected') : route.continue()));
	await context.routeWebSocket(/./, (ws) => {
		if (down) return void ws.close();
		sockets.add(ws);
		ws.connectToServer();
		ws.onClose(() => sockets.delete(ws));
	});
	return {
		async cut() {
			down = true;
			await context.setOffline(true);
			for (const ws of sockets) await ws.close();
			sockets.clear();
		},
		async restore() {
			down = false;
			await context.setOffline(false);
		}
	};
}

/** Waits until the pinned shell's service worker controls `page` (it claims the page once it activated). */
export async function workerControls(page: Page): Promise<void> {
	await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
}

/**
 * The app's relay, as `context` reaches it, goes through `forwarder` (same relay, same key, another
 * port): the context's config.json names it there instead of "same-origin". A worker's WebSockets
 * escape Playwright's WebSocket routes, so a relay that goes silent is made on the wire. The
 * context must block service workers, which would answer config.json past the route.
 */
export async function relayThrough(context: BrowserContext, forwarder: SilenceableForwarder): Promise<void> {
	await context.route('**/config.json', async (route) => {
		const config = (await (await route.fetch()).json()) as { relays: string[] };
		const key = (await (await fetch(`${APP_URL}/relay-key`)).text()).trim();
		await route.fulfill({ json: { ...config, relays: [`ws://127.0.0.1:${forwarder.port}/#${key}`] } });
	});
}
