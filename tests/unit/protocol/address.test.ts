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

const key = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const relay: RelayAddress = { host: 'relay.example.org', port: 8443, path: '/parley', tls: true, publicKey: key };

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

	it.each([
		['no key', 'wss://relay.example.org/'],
		['short key', `wss://relay.example.org/#${toBase64url(key.subarray(0, 31))}`],
		['http scheme', `https://relay.example.org/#${toBase64url(key)}`],
		['query', `wss://relay.example.org/?a=b#${toBase64url(key)}`],
		['user info', `wss://me@relay.example.org/#${toBase64url(key)}`],
		['port 0', `wss://relay.example.org:0/#${toBase64url(key)}`],
		['port too big', `wss://relay.example.org:70000/#${toBase64url(key)}`],
		['bad host', `wss://relay_example.org/#${toBase64url(key)}`],
		['bad path', `wss://relay.example.org/a%20b#${toBase64url(key)}`]
	])('rejects %s with InvalidAddress', (_name, text) => {
		expect(() => parseRelayAddress(text)).toThrow(expect.objectContaining({ kind: 'InvalidAddress' }));
	});

	it('rejects reserved flag bits, upper-case hosts and every truncation of the binary form', () => {
		const bytes = encodeRelayAddress(relay);
		const flagged = bytes.slice();
		flagged[0] = 0x03;
		expect(() => readRelayAddress(new ByteReader(flagged))).toThrow(expect.objectContaining({ kind: 'InvalidAddress' }));
		const upper = bytes.slice();
		upper[4] = 'R'.charCodeAt(0);
		expect(() => readRelayAddress(new ByteReader(upper))).toThrow(expect.objectContaining({ kind: 'InvalidAddress' }));
		for (let n = 0; n < bytes.length; n++) {
			expect(() => readRelayAddress(new ByteReader(bytes.subarray(0, n)))).toThrow(
				expect.objectContaining({ kind: 'InvalidAddress' })
			);
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
	const refuse = (f: () => unknown) => expect(f).toThrow(expect.objectContaining({ kind: 'InvalidAddress' }));
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
		['Relay.EXAMPLE.org', 'relay.example.org'],
		['xn--bcher-kva.example', 'xn--bcher-kva.example']
	])('host %s is read as %s, its one canonical form', (host, canonical) => {
		const a = parsed(`${host}/`);
		expect(a.host).toBe(canonical);
		expect(readRelayAddress(new ByteReader(encodeRelayAddress(a)))).toEqual(a);
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

	it("the path '/' is the empty path; other paths are kept byte for byte", () => {
		expect(parsed('relay.example.org/').path).toBe('');
		expect(parsed('relay.example.org').path).toBe('');
		expect(parsed('relay.example.org/Parley/v1').path).toBe('/Parley/v1');
	});

	it.each([
		['IPv4 with a leading zero', '010.0.0.1'],
		['IPv4 octet above 255', '256.1.1.1'],
		['IPv4 with three parts', '1.2.3'],
		['a hex number as last label', '0x7f.0.0.1'],
		['an all-digit last label', 'relay.example.123'],
		['a trailing dot', 'relay.example.org.'],
		['an empty label', 'relay..example.org'],
		['a label starting with -', '-relay.example.org'],
		['a label of 64 characters', `${'a'.repeat(64)}.example.org`],
		['IPv6 with 9 groups', '[1:2:3:4:5:6:7:8:9]'],
		['IPv6 with two ::', '[1::2::3]'],
		['IPv6 with a zone', '[fe80::1%25eth0]'],
		['IPv6 with a 5-digit group', '[12345::1]'],
		['IPv6 with a bad dotted quad', '[::ffff:1.2.3]'],
		['IPv6 with :: standing for no group', '[1:2:3:4::5:6:7:8]'],
		['IPv6 without brackets', '::1']
	])('refuses a host: %s', (_what, host) => {
		refuse(() => parsed(`${host}/`));
	});

	it.each([
		['a leading zero', ':0443'],
		['port 0', ':0'],
		['an empty port', ':'],
		['six digits', ':100000']
	])('refuses a port with %s', (_what, port) => {
		refuse(() => parsed(`relay.example.org${port}/`));
	});

	it.each([
		['an empty segment', '//'],
		['an empty segment inside', '/a//b'],
		['a trailing /', '/parley/'],
		['a . segment', '/./parley'],
		['a .. segment', '/parley/..'],
		['a percent-escape', '/a%41'],
		['a query', '/a?b=c']
	])('refuses a path with %s', (_what, path) => {
		refuse(() => parsed(`relay.example.org${path}`));
	});

	it('accepts segments that merely contain dots', () => {
		expect(parsed('relay.example.org/.well-known/a..b').path).toBe('/.well-known/a..b');
	});

	it.each([
		['upper-case IPv6', '[2001:DB8::1]', ''],
		['uncompressed IPv6', '[2001:db8:0:0:0:0:0:1]', ''],
		['IPv6 with a dotted quad', '[::ffff:192.0.2.1]', ''],
		['IPv6 compressing one zero group', '[2001:db8::1:1:1:1:1]', ''],
		['IPv6 compressing the shorter run', '[2001::1:0:0:0:1]', ''],
		['IPv4 with a leading zero', '10.0.0.01', ''],
		['a trailing / in the path', 'relay.example.org', '/parley/'],
		["the path '/'", 'relay.example.org', '/'],
		['an empty path segment', 'relay.example.org', '/a//b']
	])('the binary form refuses a non-canonical value: %s', (_what, host, path) => {
		refuse(() => readRelayAddress(new ByteReader(binary({ host, path }))));
	});
});

describe('queue address', () => {
	it('is the relay address followed by the 24-byte sender id', () => {
		const senderId = new Uint8Array(24).fill(9);
		const bytes = encodeQueueAddress({ relay, senderId });
		expect(bytes.subarray(bytes.length - 24)).toEqual(senderId);
		expect(readQueueAddress(new ByteReader(bytes))).toEqual({ relay, senderId });
		expect(() => encodeQueueAddress({ relay, senderId: senderId.subarray(1) })).toThrow(
			expect.objectContaining({ kind: 'InvalidAddress' })
		);
	});
});
