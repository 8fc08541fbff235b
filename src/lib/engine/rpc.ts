/**
 * The comlink wiring shared by the page and the engine worker: errors cross as
 * `{ kind, message, retryAfterMs }` and come back as `EngineError`s, so the page can switch on `kind`. Nothing
 * else of an error (no stack, no cause) crosses.
 */
import { transferHandlers, type TransferHandler } from 'comlink';
import { EngineError, type EngineErrorKind } from './errors.js';

interface WireError {
	readonly kind: EngineErrorKind;
	readonly message: string;
	readonly retryAfterMs?: number;
}

const throwHandler: TransferHandler<{ value: unknown }, { isError: boolean; value: WireError }> = {
	canHandle: (v): v is { value: unknown } => typeof v === 'object' && v !== null && 'value' in v && Object.getOwnPropertySymbols(v).length > 0,
	serialize: ({ value }) => {
		const e = value instanceof EngineError ? value : new EngineError('storage', 'The engine failed unexpectedly.');
		return [{ isError: true, value: { kind: e.kind, message: e.message, retryAfterMs: e.retryAfterMs } }, []];
	},
	deserialize: (w) => {
		throw new EngineError(w.value.kind, w.value.message, w.value.retryAfterMs);
	}
};

/** Call once on each side before the first call. */
export function installRpcErrors(): void {
	transferHandlers.set('throw', throwHandler as TransferHandler<unknown, unknown>);
}
