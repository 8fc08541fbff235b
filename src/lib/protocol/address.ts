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
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const IPV6 = /^\[[0-9a-f:.]{2,45}\]$/;
const PATH = /^(\/[A-Za-z0-9\-._~]*)*$/;

function invalid(message: string): ProtocolError {
	return new ProtocolError('InvalidAddress', message);
}

function checkRelay(a: RelayAddress): void {
	if (a.host.length > MAX_HOST_LENGTH || !(DNS_NAME.test(a.host) || IPV6.test(a.host))) {
		throw invalid('relay host is not a lower-case DNS name or IP address');
	}
	if (!Number.isInteger(a.port) || a.port < 1 || a.port > 65535) throw invalid('relay port must be 1..65535');
	if (a.path.length > MAX_PATH_LENGTH || !PATH.test(a.path)) throw invalid('relay path has characters outside [A-Za-z0-9-._~/]');
	if (a.publicKey.length !== X25519_KEY_LENGTH) throw invalid(`relay key must be ${X25519_KEY_LENGTH} bytes`);
}

/** PROTOCOL.md §3.1 binary form. */
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

const TEXT_FORM = /^(wss|ws):\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?(\/[^#?]*)?#([A-Za-z0-9_-]+)$/i;

export function parseRelayAddress(text: string): RelayAddress {
	const m = TEXT_FORM.exec(text.trim());
	if (!m) throw invalid('relay address must look like wss://host[:port]/path#key');
	const [, scheme, host, port, path, key] = m;
	const tls = (scheme as string).toLowerCase() === 'wss';
	let publicKey: Uint8Array;
	try {
		publicKey = fromBase64url(key as string, 'relay key');
	} catch {
		throw invalid('relay key is not base64url');
	}
	const address: RelayAddress = {
		host: (host as string).toLowerCase(),
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
