/**
 * Protocol benchmark: Parley's handshake and ratchet against Signal's native library and a
 * pure-TypeScript Signal implementation, same machine, same run (docs/BENCHMARKS.md).
 */
import { formatRate, opsPerSecond, printTable } from './lib/measure.js';
import { libsignalNative } from './peers/libsignal-native.js';
import { libsignalTs } from './peers/libsignal-ts.js';
import { parley } from './peers/parley.js';
import type { ProtocolPeer } from './peers/peer.js';

const KIB = new Uint8Array(1024).fill(0x61);
const OPTIONS = { roundMs: 400, rounds: 5 };

type Row = { name: string; run: (p: ProtocolPeer) => Promise<number> };

const ROWS: Row[] = [
	{ name: 'establish a session', run: (p) => opsPerSecond(() => p.establish(), OPTIONS) },
	{
		name: '1 KiB one direction (encrypt + decrypt)',
		run: async (p) => {
			const pair = await p.connect();
			return opsPerSecond(() => pair.deliver('a', KIB), OPTIONS);
		}
	},
	{
		name: '1 KiB alternating (ratchet turn each)',
		run: async (p) => {
			const pair = await p.connect();
			let from: 'a' | 'b' = 'a';
			return opsPerSecond(async () => {
				await pair.deliver(from, KIB);
				from = from === 'a' ? 'b' : 'a';
			}, OPTIONS);
		}
	}
];

export async function protocolBenchmark(): Promise<void> {
	console.log('\n## Protocol: operations per second (median of 5 rounds)\n');
	const rows: string[][] = [];
	for (const row of ROWS) {
		const [ours, native, ts] = [await row.run(parley), await row.run(libsignalNative), await row.run(libsignalTs)];
		const goal = row.name.startsWith('1 KiB one') ? (ours * 3 >= native ? 'PASS' : 'MISS') + ' (≥ 1/3 native)' : '';
		rows.push([
			row.name,
			formatRate(ours),
			formatRate(native),
			formatRate(ts),
			`${(ours / native).toFixed(2)}×`,
			`${(ours / ts).toFixed(2)}× ${ours > ts ? 'PASS' : 'MISS'}`,
			goal
		]);
	}
	printTable(['row', 'Parley', 'libsignal-client (native)', 'libsignal-protocol-typescript', 'Parley/native', 'Parley/pure-TS (goal > 1)', 'goal vs native'], rows);
	console.log('\nParley: X25519 + ML-KEM-768 handshake, header-encrypted ratchet with an ML-KEM step per turn.');
	console.log('libsignal-client: PQXDH (X25519 + ML-KEM prekey) and its Double Ratchet; no header encryption.');
	console.log('libsignal-protocol-typescript: X3DH and the Double Ratchet, no post-quantum step, no header encryption.');
}
