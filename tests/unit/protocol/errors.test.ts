/**
 * The protocol's typed errors (src/lib/protocol/errors.ts): what callers switch on.
 */
import { describe, expect, it } from 'vitest';
import { InvalidLinkError, isProtocolError, ProtocolError } from '../../../src/lib/protocol/errors.js';

describe('protocol errors', () => {
	it('a ProtocolError is an Error with a name, a kind and the message it was given', () => {
		const e = new ProtocolError('InvalidLength', 'header: needs 4 bytes, 1 left');
		expect(e).toBeInstanceOf(Error);
		expect(e.name).toBe('ProtocolError');
		expect(e.kind).toBe('InvalidLength');
		expect(e.message).toBe('header: needs 4 bytes, 1 left');
	});

	it('an InvalidLinkError is the InvalidLink kind and says what is wrong with the link', () => {
		const e = new InvalidLinkError('truncated', 'the link is cut off');
		expect(e).toBeInstanceOf(ProtocolError);
		expect(e.name).toBe('InvalidLinkError');
		expect(e.kind).toBe('InvalidLink');
		expect(e.problem).toBe('truncated');
		expect(e.message).toBe('the link is cut off');
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
