/**
 * Who may hold a connection slot or send a sealed command, and under which address.
 *
 * Guarantees: `clientAddress` believes `X-Forwarded-For` only when the TCP peer is one of the proxy
 * addresses the operator named, and then takes the last hop that is not itself a trusted proxy;
 * from anyone else the header is ignored, so a client cannot choose its own address. `Slots`
 * never admits more than the global cap nor more than the per-address cap, and gives a slot back
 * exactly once.
 * Addresses are held in memory only, for counting; nothing here logs them.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** `::ffff:192.0.2.1` and `192.0.2.1` are one client; everything else is compared as written. */
export function normalizeAddress(address: string): string {
	const trimmed = address.trim();
	const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed);
	return (mapped ? mapped[1]! : trimmed).toLowerCase();
}

/** The client's address for counting: the TCP peer, or the forwarded client when the peer is a trusted proxy. */
export function clientAddress(req: IncomingMessage, trustedProxies: ReadonlySet<string>): string {
	const peer = normalizeAddress(req.socket.remoteAddress ?? '');
	if (!trustedProxies.has(peer)) return peer;
	const header = req.headers['x-forwarded-for'];
	const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map(normalizeAddress);
	for (let i = hops.length - 1; i >= 0; i--) {
		const hop = hops[i]!;
		if (isIP(hop) === 0) return peer;
		if (!trustedProxies.has(hop)) return hop;
	}
	return peer;
}

/** True for a request that reached this process directly from the local host (no proxy in between). */
export function isDirectLoopback(req: IncomingMessage): boolean {
	const peer = normalizeAddress(req.socket.remoteAddress ?? '');
	const loopback = peer === '::1' || /^127\.\d+\.\d+\.\d+$/.test(peer);
	const forwarded = 'x-forwarded-for' in req.headers || 'forwarded' in req.headers || 'x-real-ip' in req.headers;
	return loopback && !forwarded;
}

/** Connection slots: a global cap and a cap per client address. */
export class Slots {
	readonly #perAddress = new Map<string, number>();
	#total = 0;

	constructor(
		readonly maxTotal: number,
		readonly maxPerAddress: number
	) {}

	get total(): number {
		return this.#total;
	}

	/** Takes a slot for `address`; returns the function that gives it back (idempotent), or null when full. */
	take(address: string): (() => void) | null {
		const held = this.#perAddress.get(address) ?? 0;
		if (this.#total >= this.maxTotal || held >= this.maxPerAddress) return null;
		this.#total += 1;
		this.#perAddress.set(address, held + 1);
		let released = false;
		return () => {
			if (released) return;
			released = true;
			this.#total -= 1;
			const left = (this.#perAddress.get(address) ?? 1) - 1;
			if (left > 0) this.#perAddress.set(address, left);
			else this.#perAddress.delete(address);
		};
	}
}
