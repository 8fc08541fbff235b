// Serves the protocol-in-a-worker harness from source, for tests/browser/protocol-worker.spec.ts.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const projectRoot = fileURLToPath(new URL('../../..', import.meta.url));

export default defineConfig({
	root,
	logLevel: 'warn',
	server: { fs: { allow: [projectRoot] } }
});
