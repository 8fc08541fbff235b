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
const arbRelay: fc.Arbitrary<RelayAddress> = fc.record({
	host: fc.oneof(
		fc.array(label, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('.')),
		fc.constant('[::1]'),
		fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'))
	),
	port: fc.integer({ min: 1, max: 65535 }),
	path: fc.oneof(fc.constant(''), fc.stringMatching(/^(\/[A-Za-z0-9._~-]{1,8}){1,3}$/)),
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
