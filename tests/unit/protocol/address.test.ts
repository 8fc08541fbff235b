import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	encodeQueueAddress,
	encodeRelayAddress,
	formatRelayAddress,
	parseRelayAddress,
	readQueueAddress,
	readRelayAddress,
	type RelayAddress
} from '../../../src/lib/protocol/address.js';
import { ByteReader, toBase64url } from '../../../src/lib/protocol/bytes.js';
import { isProtocolError } from '../../../src/lib/protocol/errors.js';
import { errorOf } from './helpers/error-kind.js';

const key = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const relay: RelayAddress = { host: 'relay.example.org', port: 8443, path: '/parley', tls: true, publicKey: key };

/** The InvalidAddress messages, one per rule, so each test also says which rule refused. */
const FORM = 'relay address must look like wss://host[:port]/path#key';
const HOST = 'relay host is not a lower-case DNS name, an IPv4 address or a bracketed RFC 5952 IPv6 address';
const IPV6 = 'relay host is not a valid IPv6 address';
const PORT = 'relay port must be 1..65535';
const PATH = "relay path must be '' or '/'-separated non-empty segments of [A-Za-z0-9-._~], none '.' or '..'";
const KEY = 'relay key must be 32 bytes';
const refusedWith = (f: () => unknown, message: string) => expect(errorOf(f)).toEqual({ kind: 'InvalidAddress', message });

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
const lastLabel = fc.stringMatching(/^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/);
/** 8 IPv6 groups, zero often, so that runs of zero groups (and their ties) are common. */
const ipv6Groups = fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 });
/** The WHATWG URL serializer's form of an IPv6 address: an oracle independent of address.ts. */
const whatwgIpv6 = (groups: number[]) => new URL(`http://[${groups.map((g) => g.toString(16)).join(':')}]/`).hostname;
const arbRelay: fc.Arbitrary<RelayAddress> = fc.record({
	host: fc.oneof(
		fc.tuple(fc.array(label, { maxLength: 3 }), lastLabel).map(([parts, last]) => [...parts, last].join('.')),
		ipv6Groups.map(whatwgIpv6),
		fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'))
	),
	port: fc.integer({ min: 1, max: 65535 }),
	path: fc.oneof(fc.constant(''), fc.stringMatching(/^(\/[A-Za-z0-9._~-]{1,8}){1,3}$/).filter((p) => !/\/\.\.?(\/|$)/.test(p))),
	tls: fc.boolean(),
	publicKey: fc.uint8Array({ minLength: 32, maxLength: 32 })
});

describe('relay address', () => {
	it('has the documented binary layout (PROTOCOL.md §3.1)', () => {
		const bytes = encodeRelayAddress(relay);
		// flags, port, host length, host, path length, path, key
		expect(bytes[0]).toBe(1);
		expect((bytes[1]! << 8) | bytes[2]!).toBe(8443);
		expect(bytes[3]).toBe('relay.example.org'.length);
		expect(new TextDecoder().decode(bytes.subarray(4, 21))).toBe('relay.example.org');
		expect(bytes[21]).toBe(7);
		expect(bytes.length).toBe(1 + 2 + 1 + 17 + 1 + 7 + 32);
		expect(bytes.subarray(bytes.length - 32)).toEqual(key);
		expect(encodeRelayAddress({ ...relay, tls: false })[0]).toBe(0);
	});

	it('binary and text forms round-trip for any valid address', () => {
		fc.assert(
			fc.property(arbRelay, (a) => {
				const r = new ByteReader(encodeRelayAddress(a));
				expect(readRelayAddress(r)).toEqual(a);
				expect(r.remaining).toBe(0);
				expect(parseRelayAddress(formatRelayAddress(a))).toEqual(a);
			})
		);
	});

	it('formats with default ports omitted and parses what people type', () => {
		const k = toBase64url(key);
		expect(formatRelayAddress({ ...relay, port: 443, path: '' })).toBe(`wss://relay.example.org/#${k}`);
		expect(parseRelayAddress(`  WSS://Relay.Example.org#${k} `)).toEqual({ ...relay, port: 443, path: '' });
		expect(parseRelayAddress(`ws://localhost:8080/#${k}`)).toEqual({ host: 'localhost', port: 8080, path: '', tls: false, publicKey: key });
	});

	it('omits the port of each scheme only when it is that scheme\'s default', () => {
		const k = toBase64url(key);
		expect(formatRelayAddress({ ...relay, tls: false, port: 80 })).toBe(`ws://relay.example.org/parley#${k}`);
		expect(formatRelayAddress({ ...relay, tls: false, port: 443 })).toBe(`ws://relay.example.org:443/parley#${k}`);
		expect(formatRelayAddress({ ...relay, tls: true, port: 80 })).toBe(`wss://relay.example.org:80/parley#${k}`);
		expect(formatRelayAddress(relay)).toBe(`wss://relay.example.org:8443/parley#${k}`);
	});

	it('reads a key holding every kind of base64url character', () => {
		const text = `AZaz09-_${'A'.repeat(35)}`;
		expect(toBase64url(parseRelayAddress(`wss://relay.example.org/#${text}`).publicKey)).toBe(text);
	});

	it.each([
		['no key', 'wss://relay.example.org/', FORM],
		['short key', `wss://relay.example.org/#${toBase64url(key.subarray(0, 31))}`, KEY],
		['a key that is not base64url', 'wss://relay.example.org/#A', 'relay key is not base64url'],
		['http scheme', `https://relay.example.org/#${toBase64url(key)}`, FORM],
		['text before the scheme', `xwss://relay.example.org/#${toBase64url(key)}`, FORM],
		['text after the key', `wss://relay.example.org/#${toBase64url(key)}.`, FORM],
		['query', `wss://relay.example.org/?a=b#${toBase64url(key)}`, PATH],
		['user info', `wss://me@relay.example.org/#${toBase64url(key)}`, FORM],
		['port 0', `wss://relay.example.org:0/#${toBase64url(key)}`, FORM],
		['port too big', `wss://relay.example.org:70000/#${toBase64url(key)}`, PORT],
		['bad host', `wss://relay_example.org/#${toBase64url(key)}`, FORM],
		['bad path', `wss://relay.example.org/a%20b#${toBase64url(key)}`, PATH]
	])('rejects %s with InvalidAddress', (_name, text, message) => {
		refusedWith(() => parseRelayAddress(text), message);
	});

	it('refuses to encode a port, path or key the binary form cannot hold', () => {
		refusedWith(() => encodeRelayAddress({ ...relay, port: 1.5 }), PORT);
		refusedWith(() => encodeRelayAddress({ ...relay, port: 0 }), PORT);
		refusedWith(() => encodeRelayAddress({ ...relay, port: 65536 }), PORT);
		refusedWith(() => encodeRelayAddress({ ...relay, path: `/${'a'.repeat(255)}` }), PATH);
		refusedWith(() => encodeRelayAddress({ ...relay, publicKey: key.subarray(1) }), KEY);
		const longest = { ...relay, path: `/${'a'.repeat(254)}` };
		expect(readRelayAddress(new ByteReader(encodeRelayAddress(longest)))).toEqual(longest);
	});

	it('rejects reserved flag bits, upper-case hosts and every truncation of the binary form', () => {
		const bytes = encodeRelayAddress(relay);
		const flagged = bytes.slice();
		flagged[0] = 0x03;
		refusedWith(() => readRelayAddress(new ByteReader(flagged)), 'relay flags has reserved bits set');
		const upper = bytes.slice();
		upper[4] = 'R'.charCodeAt(0);
		refusedWith(() => readRelayAddress(new ByteReader(upper)), HOST);
		const portZero = bytes.slice();
		portZero.set([0, 0], 1);
		refusedWith(() => readRelayAddress(new ByteReader(portZero)), PORT);
		// flags, port, host length, host (17), path length, path (7), key (32)
		const field = (n: number) =>
			n < 1 ? 'relay flags: needs 1 bytes, 0 left'
			: n < 3 ? `relay port: needs 2 bytes, ${n - 1} left`
			: n < 4 ? 'relay host length: needs 1 bytes, 0 left'
			: n < 21 ? `relay host: needs 17 bytes, ${n - 4} left`
			: n < 22 ? 'relay path length: needs 1 bytes, 0 left'
			: n < 29 ? `relay path: needs 7 bytes, ${n - 22} left`
			: `relay key: needs 32 bytes, ${n - 29} left`;
		for (let n = 0; n < bytes.length; n++) {
			refusedWith(() => readRelayAddress(new ByteReader(bytes.subarray(0, n))), `relay address is truncated (${field(n)})`);
		}
	});

	it('never throws anything but a ProtocolError on random bytes', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
				try {
					readQueueAddress(new ByteReader(bytes));
				} catch (e) {
					expect(isProtocolError(e)).toBe(true);
				}
			})
		);
	});
});

describe('relay address grammar and canonical form (PROTOCOL.md §3.1, §3.2)', () => {
	const k = toBase64url(key);
	const parsed = (authorityAndPath: string, scheme = 'wss') => parseRelayAddress(`${scheme}://${authorityAndPath}#${k}`);
	const binary = (a: Partial<RelayAddress>) => {
		const bytes = encodeRelayAddress(relay);
		// Rewrite host and path by hand: encodeRelayAddress refuses what the reader must refuse too.
		const host = new TextEncoder().encode(a.host ?? relay.host);
		const path = new TextEncoder().encode(a.path ?? relay.path);
		return Uint8Array.from([...bytes.subarray(0, 3), host.length, ...host, path.length, ...path, ...key]);
	};

	it.each([
		['[2001:DB8:0:0:0:0:0:1]', '[2001:db8::1]'],
		['[2001:0db8::0001]', '[2001:db8::1]'],
		['[2001:db8:0:1:1:1:1:1]', '[2001:db8:0:1:1:1:1:1]'],
		['[2001:0:0:1:0:0:0:1]', '[2001:0:0:1::1]'],
		['[2001:db8:0:0:1:0:0:1]', '[2001:db8::1:0:0:1]'],
		['[0:0:0:0:0:0:0:0]', '[::]'],
		['[::ffff:192.0.2.1]', '[::ffff:c000:201]'],
		['[::ffff:10.20.30.40]', '[::ffff:a14:1e28]'],
		['[2001:db8::1:1:1:1:1]', '[2001:db8:0:1:1:1:1:1]'],
		['[A:9:AF09:0:0:0:0:0]', '[a:9:af09::]'],
		['Relay.EXAMPLE.org', 'relay.example.org'],
		['xn--bcher-kva.example', 'xn--bcher-kva.example']
	])('host %s is read as %s, its one canonical form', (host, canonical) => {
		const a = parsed(`${host}/`);
		expect(a.host).toBe(canonical);
		expect(readRelayAddress(new ByteReader(encodeRelayAddress(a)))).toEqual(a);
	});

	const boundaryOctets = [0, 9, 10, 99, 100, 199, 200, 249, 250, 255];
	it.each([
		// Each character class of a label at both ends of its ranges, single-character labels, and
		// the longest label (63) in the first and the last position.
		'a.a', 'z.z', '0.a', '9.z', 'a',
		...['a', 'z', '0', '9'].map((end, i) => `xaz09-${end}.${i % 2 ? 'z' : 'a'}az09-${end}`),
		`${'a'.repeat(63)}.${'z'.repeat(63)}`,
		`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`,
		...boundaryOctets.map((o) => `${o}.${o}.${o}.${o}`)
	])('accepts the canonical host %s', (host) => {
		expect(parsed(`${host}/`).host).toBe(host);
	});

	it('IPv6 hosts are canonical exactly as the WHATWG URL serializer writes them (RFC 5952 §4)', () => {
		fc.assert(
			fc.property(ipv6Groups, (groups) => {
				const full = `[${groups.map((g) => g.toString(16).padStart(4, '0').toUpperCase()).join(':')}]`;
				expect(parsed(`${full}/`).host).toBe(whatwgIpv6(groups));
			})
		);
	});

	it('an explicit default port is read as that port, and written without it', () => {
		expect(parsed('relay.example.org:443/')).toEqual(parsed('relay.example.org/'));
		expect(parsed('relay.example.org:80/', 'ws')).toEqual(parsed('relay.example.org/', 'ws'));
		expect(formatRelayAddress(parsed('relay.example.org:443/'))).toBe(`wss://relay.example.org/#${k}`);
		expect(parsed('relay.example.org:80/').port).toBe(80);
	});

	it.each([1, 9, 10, 19, 65535])('reads the port %i', (port) => {
		expect(parsed(`relay.example.org:${port}/`).port).toBe(port);
	});

	it("the path '/' is the empty path; other paths are kept byte for byte", () => {
		expect(parsed('relay.example.org/').path).toBe('');
		expect(parsed('relay.example.org').path).toBe('');
		expect(parsed('relay.example.org/Parley/v1').path).toBe('/Parley/v1');
		expect(parsed('relay.example.org/AZaz09-._~').path).toBe('/AZaz09-._~');
	});

	it.each([
		['IPv4 with a leading zero', '010.0.0.1', HOST],
		['IPv4 with a leading zero in the last octet', '1.1.1.01', HOST],
		['IPv4 octet above 255', '256.1.1.1', HOST],
		['IPv4 last octet 256', '1.1.1.256', HOST],
		['IPv4 octet 259', '259.1.1.1', HOST],
		['IPv4 last octet 259', '1.1.1.259', HOST],
		['IPv4 with three parts', '1.2.3', HOST],
		['a hex number as last label', '0x7f.0.0.1', HOST],
		['an all-digit last label', 'relay.example.123', HOST],
		['a trailing dot', 'relay.example.org.', HOST],
		['an empty label', 'relay..example.org', HOST],
		['a label starting with -', '-relay.example.org', HOST],
		['a label ending with -', 'relay-.example.org', HOST],
		['a last label ending with -', 'relay.example-', HOST],
		['a label of 64 characters', `${'a'.repeat(64)}.example.org`, HOST],
		['a last label of 64 characters', `example.${'a'.repeat(64)}`, HOST],
		['a name of 254 characters', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`, HOST],
		['IPv6 with 9 groups', '[1:2:3:4:5:6:7:8:9]', IPV6],
		['IPv6 with two ::', '[1::2::3]', IPV6],
		['IPv6 with 8 groups before two ::', '[1:2:3:4:5:6:7:8::1::]', IPV6],
		['IPv6 with a zone', '[fe80::1%25eth0]', FORM],
		['IPv6 with a 5-digit group', '[12345::1]', IPV6],
		['IPv6 with a bad dotted quad', '[::ffff:1.2.3]', IPV6],
		['IPv6 with a dotted quad octet above 255', '[::ffff:1.2.3.256]', IPV6],
		['IPv6 with a dotted quad leading zero', '[::ffff:01.2.3.4]', IPV6],
		['IPv6 with a dotted quad followed by hex', '[::ffff:1.2.3.4a]', IPV6],
		['IPv6 with :: standing for no group', '[1:2:3:4::5:6:7:8]', IPV6],
		['IPv6 without brackets', '::1', FORM]
	])('refuses a host: %s', (_what, host, message) => {
		refusedWith(() => parsed(`${host}/`), message);
	});

	it.each([
		['a leading zero', ':0443'],
		['port 0', ':0'],
		['an empty port', ':'],
		['six digits', ':100000']
	])('refuses a port with %s', (_what, port) => {
		refusedWith(() => parsed(`relay.example.org${port}/`), FORM);
	});

	it.each([
		['an empty segment', '//'],
		['an empty segment inside', '/a//b'],
		['a trailing /', '/parley/'],
		['a . segment', '/./parley'],
		['a .. segment', '/parley/..'],
		['a percent-escape', '/a%41'],
		['a query', '/a?b=c'],
		['256 characters', `/${'a'.repeat(255)}`]
	])('refuses a path with %s', (_what, path) => {
		refusedWith(() => parsed(`relay.example.org${path}`), PATH);
	});

	it('accepts segments that merely contain dots', () => {
		expect(parsed('relay.example.org/.well-known/a..b').path).toBe('/.well-known/a..b');
	});

	it.each([
		['upper-case IPv6', '[2001:DB8::1]', '', HOST],
		['uncompressed IPv6', '[2001:db8:0:0:0:0:0:1]', '', HOST],
		['IPv6 with a dotted quad', '[::ffff:192.0.2.1]', '', HOST],
		['IPv6 compressing one zero group', '[2001:db8::1:1:1:1:1]', '', HOST],
		['IPv6 compressing the shorter run', '[2001::1:0:0:0:1]', '', HOST],
		['bracketed text that is no IPv6 address', '[1::2::3]', '', HOST],
		['IPv4 with a leading zero', '10.0.0.01', '', HOST],
		['a trailing / in the path', 'relay.example.org', '/parley/', PATH],
		["the path '/'", 'relay.example.org', '/', PATH],
		['an empty path segment', 'relay.example.org', '/a//b', PATH]
	])('the binary form refuses a non-canonical value: %s', (_what, host, path, message) => {
		refusedWith(() => readRelayAddress(new ByteReader(binary({ host, path }))), message);
	});
});

describe('queue address', () => {
	it('is the relay address followed by the 24-byte sender id', () => {
		const senderId = new Uint8Array(24).fill(9);
		const bytes = encodeQueueAddress({ relay, senderId });
		expect(bytes.subarray(bytes.length - 24)).toEqual(senderId);
		expect(readQueueAddress(new ByteReader(bytes))).toEqual({ relay, senderId });
		refusedWith(() => encodeQueueAddress({ relay, senderId: senderId.subarray(1) }), 'queue sender id must be 24 bytes');
		refusedWith(() => readQueueAddress(new ByteReader(bytes.subarray(0, bytes.length - 1))), 'queue sender id is truncated');
	});
});
