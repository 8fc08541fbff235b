import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, fromBase64url, toBase64url } from '../../../src/lib/protocol/bytes.js';
import { generateDhKeyPair, generateKemKeyPair } from '../../../src/lib/protocol/crypto/index.js';
import { InvalidLinkError, type LinkProblem } from '../../../src/lib/protocol/errors.js';
import {
	encodeInvitation,
	formatInvitationLink,
	parseInvitationLink,
	type Invitation
} from '../../../src/lib/protocol/invitation.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';
import { seededRandom } from './helpers/seeded-random.js';

const APP = 'https://parley.example/';
const invitation: Invitation = {
	queue: {
		relay: { host: 'relay.example.org', port: 443, path: '', tls: true, publicKey: new Uint8Array(32).fill(7) },
		senderId: new Uint8Array(24).fill(3)
	},
	dhPublicKey: generateDhKeyPair(systemRandom).publicKey,
	kemPublicKey: generateKemKeyPair(systemRandom).publicKey
};
const link = formatInvitationLink(APP, invitation);
const payload = fromBase64url(link.slice(link.indexOf('#/join/') + 7), 'test');

/** Independent checksum (PROTOCOL.md §4.2): first 4 bytes of SHA-256("Parley v1 link checksum" ‖ body). */
function relink(body: Uint8Array): string {
	const sum = sha256(concatBytes(new TextEncoder().encode('Parley v1 link checksum'), body)).slice(0, 4);
	return `${APP}#/join/${toBase64url(concatBytes(body, sum))}`;
}

/** The problem and message a link is refused with (or 'accepted'); any other exception is re-thrown. */
function refusalOf(text: string): { problem: LinkProblem | 'accepted'; message: string } {
	try {
		parseInvitationLink(text);
		return { problem: 'accepted', message: '' };
	} catch (e) {
		if (e instanceof InvalidLinkError) return { problem: e.problem, message: e.message };
		throw e;
	}
}

const problemOf = (text: string): LinkProblem | 'accepted' => refusalOf(text).problem;

describe('invitation links', () => {
	it('round-trips and lives in the URL fragment', () => {
		expect(link.startsWith(`${APP}#/join/`)).toBe(true);
		expect(new URL(link).pathname).toBe('/');
		expect(parseInvitationLink(link)).toEqual(invitation);
		expect(parseInvitationLink(`\n  ${link}  \n`)).toEqual(invitation);
		expect(parseInvitationLink(link.slice(link.indexOf('#')))).toEqual(invitation); // the fragment alone
		expect(formatInvitationLink(`${APP}#/old`, invitation)).toBe(link);
	});

	it('has the documented layout: version ‖ queue address ‖ X25519 key ‖ ML-KEM key ‖ checksum', () => {
		const body = encodeInvitation(invitation);
		expect(body[0]).toBe(1);
		expect(payload.length).toBe(body.length + 4);
		expect(body.subarray(body.length - 1184)).toEqual(invitation.kemPublicKey);
		expect(body.subarray(body.length - 1184 - 32, body.length - 1184)).toEqual(invitation.dhPublicKey);
		expect(relink(body)).toBe(link);
	});

	it.each([
		['', 'not-a-link'],
		['hello', 'not-a-link'],
		['https://parley.example/', 'not-a-link'],
		[`${APP}#/join/`, 'truncated'],
		[`${APP}#/join/${'A'.repeat(40)}`, 'truncated'],
		[`${APP}#/join/abc$def`, 'corrupt'],
		[`${APP}#/join/${toBase64url(payload)}=`, 'corrupt']
	] as const)('%j → %s', (text, problem) => {
		expect(problemOf(text)).toBe(problem);
	});

	it('reports a link cut under 1711 characters as incomplete, and one cut later as damaged (§4.3)', () => {
		const encoded = toBase64url(payload);
		expect(encoded.length).toBe(1732); // 1299 bytes: a 17-character host
		for (let n = 0; n < encoded.length; n++) {
			expect(problemOf(`${APP}#/join/${encoded.slice(0, n)}`)).toBe(n < 1711 ? 'truncated' : 'corrupt');
		}
	});

	it('reads the shortest possible link (1283 bytes, 1711 characters) whole, and cut by one character as incomplete', () => {
		// The cut keeps the top 4 bits of the last byte as unused bits; when they are not zero, strict
		// base64url refuses the text, so a threshold of 1710 read this cut as damaged. Pick such a link.
		const shortest = Array.from({ length: 16 }, (_, i) => {
			const random = seededRandom(`shortest link ${i}`);
			const inv: Invitation = {
				queue: { relay: { host: 'a', port: 443, path: '', tls: true, publicKey: random(32) }, senderId: random(24) },
				dhPublicKey: generateDhKeyPair(random).publicKey,
				kemPublicKey: generateKemKeyPair(random).publicKey
			};
			return { inv, text: formatInvitationLink(APP, inv) };
		}).find(({ text }) => fromBase64url(text.slice(text.indexOf('#/join/') + 7), 'test')[1282]! >> 4 !== 0);
		if (shortest === undefined) throw new Error('no link with a non-zero last nibble among 16 seeds');
		const encoded = shortest.text.slice(shortest.text.indexOf('#/join/') + 7);
		expect(encoded.length).toBe(1711);
		expect(parseInvitationLink(shortest.text)).toEqual(shortest.inv);
		expect(problemOf(shortest.text.slice(0, -1))).toBe('truncated');
	});

	it('rejects any flipped bit: the version byte as unsupported, anything else as corrupt', () => {
		fc.assert(
			fc.property(fc.nat(payload.length * 8 - 1), (bit) => {
				const bad = payload.slice();
				bad[bit >> 3]! ^= 1 << (bit & 7);
				const expected: LinkProblem = bit < 8 ? 'unsupported-version' : 'corrupt';
				expect(problemOf(`${APP}#/join/${toBase64url(bad)}`)).toBe(expected);
			}),
			{ numRuns: 300 }
		);
	});

	it('says which version it does not support', () => {
		const body = encodeInvitation(invitation);
		body[0] = 2;
		expect(() => parseInvitationLink(relink(body))).toThrow(/version 2/);
	});

	it('rejects a well-checksummed link whose ML-KEM key fails the FIPS 203 modulus check', () => {
		const body = encodeInvitation(invitation);
		// Set the first 12-bit coefficient of t̂ to 0xFFF (≥ q = 3329).
		const at = body.length - 1184;
		body[at] = 0xff;
		body[at + 1] = body[at + 1]! | 0x0f;
		expect(problemOf(relink(body))).toBe('invalid-key');
	});

	it('rejects a well-checksummed link whose X25519 key is a low-order point', () => {
		const body = encodeInvitation(invitation);
		body.set(new Uint8Array(32), body.length - 1184 - 32); // u = 0 has order 1
		expect(problemOf(relink(body))).toBe('invalid-key');
	});

	it('rejects trailing bytes and structural damage under a valid checksum as corrupt', () => {
		expect(problemOf(relink(concatBytes(encodeInvitation(invitation), Uint8Array.of(0))))).toBe('corrupt');
		const body = encodeInvitation(invitation);
		body[1] = 0x80; // reserved relay flag bit
		expect(problemOf(relink(body))).toBe('corrupt');
	});

	it('throws only InvalidLinkError for arbitrary text and bytes', () => {
		fc.assert(
			fc.property(fc.oneof(fc.string(), fc.uint8Array({ maxLength: 1400 }).map((b) => `${APP}#/join/${toBase64url(b)}`)), (text) => {
				expect(problemOf(text)).not.toBe('accepted');
			})
		);
	});

	it('says in each refusal what is wrong with the link', () => {
		const encoded = toBase64url(payload);
		const withBody = (edit: (body: Uint8Array) => Uint8Array) => relink(edit(encodeInvitation(invitation)));
		const longPath = { ...invitation.queue.relay, path: `/${'p'.repeat(199)}` };
		const cases: [string, LinkProblem, string][] = [
			['hello', 'not-a-link', 'this is not a Parley invitation link'],
			[`${APP}#/join/abc$def`, 'corrupt', 'the invitation link contains characters that do not belong in it'],
			[`${APP}#/join/${encoded.slice(0, 1710)}`, 'truncated', 'the invitation link is incomplete'],
			[`${APP}#/join/${encoded}A`, 'corrupt', 'the invitation link is damaged (it does not decode)'],
			[
				withBody((b) => b.fill(2, 0, 1)),
				'unsupported-version',
				'invitation version 2 is not supported by this version of Parley'
			],
			[
				`${APP}#/join/${toBase64url(payload.map((x, i) => (i === payload.length - 1 ? x ^ 1 : x)))}`,
				'corrupt',
				'the invitation link is damaged (checksum mismatch)'
			],
			[
				withBody((b) => concatBytes(b, Uint8Array.of(0))),
				'corrupt',
				'the invitation link is malformed (invitation: 1 unexpected trailing bytes)'
			],
			[withBody((b) => b.fill(0, b.length - 1184 - 32, b.length - 1184)), 'invalid-key', 'the invitation link holds an invalid key'],
			// A long relay path leaves a link long enough to read whose ML-KEM key is cut short.
			[
				relink(encodeInvitation({ ...invitation, queue: { ...invitation.queue, relay: longPath } }).subarray(0, -100)),
				'corrupt',
				'the invitation link is malformed (inviter ML-KEM key: needs 1184 bytes, 1084 left)'
			]
		];
		for (const [text, problem, message] of cases) expect(refusalOf(text)).toEqual({ problem, message });
	});
});
