import { isProtocolError } from '../../../../src/lib/protocol/errors.js';

/**
 * Runs `f` and returns the `ProtocolError` it threw as `{ kind, message }`, or kind 'accepted' if
 * it returned. Any other exception is re-thrown, so a test using this also fails on untyped errors.
 */
export function errorOf(f: () => unknown): { kind: string; message: string } {
	try {
		f();
		return { kind: 'accepted', message: '' };
	} catch (e) {
		if (isProtocolError(e)) return { kind: e.kind, message: e.message };
		throw e;
	}
}

/** The kind alone of what `errorOf` reports. */
export function errorKindOf(f: () => unknown): string {
	return errorOf(f).kind;
}
