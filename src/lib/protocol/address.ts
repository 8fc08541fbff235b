/**
 * Relay and queue addresses (PROTOCOL.md §3).
 *
 * A relay address names where a relay listens and pins its Noise static key, as SimpleX pins a
 * server's certificate fingerprint: whoever terminates TLS in front of the relay cannot
 * impersonate it. The key is carried whole (not hashed) because Noise NK needs it before the
 * first message. A queue address is a relay address plus the queue's sender id.
 *
 * Guarantees: encode and decode are exact inverses over valid addresses, every address has one
 * binary and one text form, and anything else is rejected with `InvalidAddress`.
 * Whether the relay is reachable, or honest, is not this module's concern.
 */
import { ByteReader, concatBytes, fromBase64url, toBase64url, u16be, utf8 } from './bytes.js';
import { MAX_HOST_LENGTH, MAX_PATH_LENGTH, QUEUE_ID_LENGTH, X25519_KEY_LENGTH } from './constants.js';
import { ProtocolError, isProtocolError } from './errors.js';

export interface RelayAddress {
	/** Lower-case DNS name, dotted IPv4, or bracketed IPv6 (`[::1]`). */
	readonly host: string;
	readonly port: number;
	/** '' or a path starting with '/'. */
	readonly path: string;
	/** true: `wss://` (TLS); false: `ws://` (local development and onion-style transports). */
	readonly tls: boolean;
	/** The relay's X25519 Noise static public key. */
	readonly publicKey: Uint8Array;
}

export interface QueueAddress {
	readonly relay: RelayAddress;
	/** The id a sender uses for the queue; never the recipient's id. */
	readonly senderId: Uint8Array;
}

const FLAG_TLS = 0x01;
/** §3.1: lower-case labels of [a-z0-9-], 1..63 long, no '-' at either end, the last starting with a
 * letter (the 253-byte bound is checkRelay's). */
const DNS_NAME = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** §3.1: four decimal octets 0..255, no leading zeros. */
const IPV4 = /^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/;
/** §3.1: '' or segments '/' + [A-Za-z0-9-._~]+, none '.' or '..' (so no empty segment, no trailing '/'). */
const PATH = /^(\/(?!\.\.?(\/|$))[A-Za-z0-9\-._~]+)*$/;

function invalid(message: string): ProtocolError {
	return new ProtocolError('InvalidAddress', message);
}

/** The 8 16-bit groups of an IPv6 address in any RFC 4291 §2.2 text form (no zone), or null. */
function ipv6Groups(text: string): number[] | null {
	let t = text.toLowerCase();
	const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(t);
	if (dotted) {
		if (!IPV4.test(dotted[2] as string)) return null;
		const [a, b, c, d] = (dotted[2] as string).split('.').map(Number) as [number, number, number, number];
		t = `${dotted[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
	}
	const halves = t.split('::');
	if (halves.length > 2) return null;
	const parse = (h: string) => (h === '' ? [] : h.split(':'));
	const [head, tail] = [parse(halves[0] as string), halves.length === 2 ? parse(halves[1] as string) : []];
	const missing = 8 - head.length - tail.length;
	if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
	const groups = [...head, ...Array<string>(missing).fill('0'), ...tail];
	return groups.every((g) => /^[0-9a-f]{1,4}$/.test(g)) ? groups.map((g) => parseInt(g, 16)) : null;
}

/** RFC 5952 §4 text of 8 groups (as the WHATWG URL serializer writes it): lower-case hex without
 * leading zeros, the first longest run of two or more zero groups as '::', no dotted quad. */
function formatIpv6(groups: readonly number[]): string {
	let [best, bestLength] = [-1, 1];
	for (let i = 0; i < 8; ) {
		let j = i;
		while (j < 8 && groups[j] === 0) j++;
		if (j - i > bestLength) [best, bestLength] = [i, j - i];
		i = j === i ? i + 1 : j;
	}
	const hex = (gs: readonly number[]) => gs.map((g) => g.toString(16)).join(':');
	return best < 0 ? hex(groups) : `${hex(groups.slice(0, best))}::${hex(groups.slice(best + bestLength))}`;
}

/** True when `host` is in the §3.1 canonical form: DNS name, IPv4, or bracketed RFC 5952 IPv6. */
function isCanonicalHost(host: string): boolean {
	if (host.startsWith('[') && host.endsWith(']')) {
		const groups = ipv6Groups(host.slice(1, -1));
		return groups !== null && `[${formatIpv6(groups)}]` === host;
	}
	return DNS_NAME.test(host) || IPV4.test(host);
}

function checkRelay(a: RelayAddress): void {
	if (a.host.length > MAX_HOST_LENGTH || !isCanonicalHost(a.host)) {
		throw invalid('relay host is not a lower-case DNS name, an IPv4 address or a bracketed RFC 5952 IPv6 address');
	}
	if (!Number.isInteger(a.port) || a.port < 1 || a.port > 65535) throw invalid('relay port must be 1..65535');
	if (a.path.length > MAX_PATH_LENGTH || !PATH.test(a.path)) {
		throw invalid("relay path must be '' or '/'-separated non-empty segments of [A-Za-z0-9-._~], none '.' or '..'");
	}
	if (a.publicKey.length !== X25519_KEY_LENGTH) throw invalid(`relay key must be ${X25519_KEY_LENGTH} bytes`);
}

/** PROTOCOL.md §3.1 binary form. */
/** The URL of an HTTP route of a relay (PROTOCOL.md §7.6): its host and port, its path, then `route`. */
export function relayHttpUrl(a: RelayAddress, route: string): string {
	return `${a.tls ? 'https' : 'http'}://${a.host}:${a.port}${a.path}${route}`;
}

export function encodeRelayAddress(a: RelayAddress): Uint8Array {
	checkRelay(a);
	const host = utf8(a.host);
	const path = utf8(a.path);
	return concatBytes(
		Uint8Array.of(a.tls ? FLAG_TLS : 0),
		u16be(a.port),
		Uint8Array.of(host.length),
		host,
		Uint8Array.of(path.length),
		path,
		a.publicKey
	);
}

/** Reads one binary relay address from `r`; errors say which field is wrong. */
export function readRelayAddress(r: ByteReader): RelayAddress {
	try {
		const flags = r.u8('relay flags');
		if ((flags & ~FLAG_TLS) !== 0) throw invalid('relay flags has reserved bits set');
		const port = r.u16('relay port');
		const host = String.fromCharCode(...r.bytes(r.u8('relay host length'), 'relay host'));
		const path = String.fromCharCode(...r.bytes(r.u8('relay path length'), 'relay path'));
		const publicKey = r.bytes(X25519_KEY_LENGTH, 'relay key');
		const address: RelayAddress = { host, port, path, tls: (flags & FLAG_TLS) !== 0, publicKey };
		checkRelay(address);
		return address;
	} catch (e) {
		if (isProtocolError(e, 'InvalidLength')) throw invalid(`relay address is truncated (${e.message})`);
		throw e;
	}
}

/** PROTOCOL.md §3.2 text form: `wss://host[:port]/path#<base64url key>`; default ports omitted. */
export function formatRelayAddress(a: RelayAddress): string {
	checkRelay(a);
	const defaultPort = a.tls ? 443 : 80;
	const port = a.port === defaultPort ? '' : `:${a.port}`;
	return `${a.tls ? 'wss' : 'ws'}://${a.host}${port}${a.path || '/'}#${toBase64url(a.publicKey)}`;
}

/** §3.2: scheme, host (bracketed IPv6 or a name of [A-Za-z0-9.-]), port without leading zeros, path, key. */
const TEXT_FORM = /^(wss|ws):\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::([1-9][0-9]{0,4}))?(\/[^#]*)?#([A-Za-z0-9_-]+)$/i;

/**
 * PROTOCOL.md §3.2: reads the text form and returns the one canonical address it names
 * (lower-case scheme and host, RFC 5952 IPv6, an explicit default port, '/' as ''), or throws.
 */
export function parseRelayAddress(text: string): RelayAddress {
	const m = TEXT_FORM.exec(text.trim());
	if (!m) throw invalid('relay address must look like wss://host[:port]/path#key');
	const [, scheme, rawHost, port, path, key] = m as unknown as [string, string, string, string | undefined, string | undefined, string];
	const tls = scheme.toLowerCase() === 'wss';
	let publicKey: Uint8Array;
	try {
		publicKey = fromBase64url(key, 'relay key');
	} catch {
		throw invalid('relay key is not base64url');
	}
	const v6 = rawHost.startsWith('[') ? ipv6Groups(rawHost.slice(1, -1)) : null;
	if (rawHost.startsWith('[') && !v6) throw invalid('relay host is not a valid IPv6 address');
	const address: RelayAddress = {
		host: v6 ? `[${formatIpv6(v6)}]` : rawHost.toLowerCase(),
		port: port === undefined ? (tls ? 443 : 80) : Number(port),
		path: path === undefined || path === '/' ? '' : path,
		tls,
		publicKey
	};
	checkRelay(address);
	return address;
}

/** PROTOCOL.md §3.3 binary form: relay address ‖ sender id. */
export function encodeQueueAddress(q: QueueAddress): Uint8Array {
	if (q.senderId.length !== QUEUE_ID_LENGTH) throw invalid(`queue sender id must be ${QUEUE_ID_LENGTH} bytes`);
	return concatBytes(encodeRelayAddress(q.relay), q.senderId);
}

export function readQueueAddress(r: ByteReader): QueueAddress {
	const relay = readRelayAddress(r);
	if (r.remaining < QUEUE_ID_LENGTH) throw invalid('queue sender id is truncated');
	return { relay, senderId: r.bytes(QUEUE_ID_LENGTH, 'queue sender id') };
}
