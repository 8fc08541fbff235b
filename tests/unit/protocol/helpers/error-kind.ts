import { isProtocolError } from '../../../../src/lib/protocol/errors.js';

/**
 * Runs `f` and returns the `ProtocolError` kind it threw, or 'accepted' if it returned. Any other
 * exception is re-thrown, so a test using this also fails on untyped errors.
 */
export function errorKindOf(f: () => unknown): string {
	try {
		f();
		return 'accepted';
	} catch (e) {
		if (isProtocolError(e)) return e.kind;
		throw e;
	}
}
