/**
 * The protocol's typed errors (src/lib/protocol/errors.ts): what callers switch on.
 */
import { describe, expect, it } from 'vitest';
import { InvalidLinkError, isProtocolError, ProtocolError } from '../../../src/lib/protocol/errors.js';

describe('protocol errors', () => {
	it.each([
		[new ProtocolError('InvalidLength', 'header: needs 4 bytes, 1 left'), { name: 'ProtocolError', kind: 'InvalidLength', message: 'header: needs 4 bytes, 1 left' }],
		[new InvalidLinkError('truncated', 'the link is cut off'), { name: 'InvalidLinkError', kind: 'InvalidLink', message: 'the link is cut off', problem: 'truncated' }]
	])('%s is an Error with a name, a kind, the message it was given (and for a link, the problem)', (e, expected) => {
		expect(e).toBeInstanceOf(Error);
		expect(e).toBeInstanceOf(ProtocolError);
		expect({ name: e.name, kind: e.kind, message: e.message, ...('problem' in e ? { problem: e.problem } : {}) }).toEqual(expected);
	});

	it('isProtocolError recognises protocol errors, of any kind or of the kind asked for', () => {
		const e = new ProtocolError('MalformedInput', 'x');
		expect(isProtocolError(e)).toBe(true);
		expect(isProtocolError(e, 'MalformedInput')).toBe(true);
		expect(isProtocolError(e, 'InvalidLength')).toBe(false);
		expect(isProtocolError(new InvalidLinkError('corrupt', 'x'), 'InvalidLink')).toBe(true);
		expect(isProtocolError(new Error('x'))).toBe(false);
		expect(isProtocolError({ name: 'ProtocolError', kind: 'MalformedInput', message: 'x' })).toBe(false);
		expect(isProtocolError(undefined)).toBe(false);
	});
});
