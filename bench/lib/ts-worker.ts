/** A worker thread of the benchmark's process that runs a TypeScript module (a worker does not inherit tsx's loader). */
import { Worker } from 'node:worker_threads';

/** Starts a worker that registers tsx, then imports the module at `moduleUrl` (an `import.meta.resolve` result) with `workerData`. */
export function tsWorker(moduleUrl: string, workerData: unknown): Worker {
	const script = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(moduleUrl)}); });`;
	return new Worker(script, { eval: true, workerData });
}
