/**
 * Leaving no copy of the app (issue 9's keep-nothing, PROTOCOL §10.3): every cache of this origin
 * is the app's (release caches, `parley-shell`, `parley-last-seen`, `parley-worker`, and whatever
 * else the origin cached), so forgetting the app deletes them all. Runs in the page and in the
 * service worker.
 *
 * Guarantees: `deleteCaches` resolves once every cache that existed when it started is deleted.
 */

export async function deleteCaches(): Promise<void> {
	if (typeof caches === 'undefined') return;
	await Promise.all((await caches.keys()).map((key) => caches.delete(key)));
}
