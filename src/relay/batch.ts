/**
 * The commands of one frame (PROTOCOL.md §7.1, §7.2): each entry decoded, given a rate token, run
 * and answered, in entry order.
 *
 * Guarantees: every entry gets exactly one reply, and the replies come in entry order; an entry
 * that does not decode is answered `ERR` with its corr_id (§7.2) and runs nothing; each command
 * that decodes takes one rate token, and without one is answered `RATE` and runs nothing; a
 * command starts only once every command before it has finished, except that consecutive `SEND`s
 * start without waiting for each other, so that the store commits them together (one fsync for
 * the run) while each `OK` still waits for its own message to be durable. What a command does is
 * commands.ts's concern; framing and the unanswered limit are connection.ts's.
 */
import { contentCorrId, decodeCommandContent, type Block, type ClientCommand, type RelayErrorCode, type RelayReply } from '../lib/protocol/relay-commands.js';
import { RelayError } from './commands.js';

export interface BatchRunner {
	run(command: ClientCommand, corrId: number): Promise<RelayReply>;
	/** One command's rate token (connection.ts); false means `RATE`. */
	takeToken(): boolean;
	errorCode(e: unknown): RelayErrorCode;
}

export async function runBatch(entries: readonly Uint8Array[], runner: BatchRunner): Promise<Block<RelayReply>[]> {
	const refused = (corrId: number, e: unknown): Block<RelayReply> => ({ corrId, body: { type: 'ERR', error: runner.errorCode(e) } });
	const answers: Promise<Block<RelayReply>>[] = [];
	let sends: Promise<unknown>[] = [];
	for (const content of entries) {
		const corrId = contentCorrId(content);
		let command: ClientCommand;
		try {
			command = decodeCommandContent(content).body;
			if (!runner.takeToken()) throw new RelayError('RATE');
		} catch (e) {
			answers.push(Promise.resolve(refused(corrId, e)));
			continue;
		}
		const overlaps = command.type === 'SEND';
		if (!overlaps) {
			await Promise.all(sends);
			sends = [];
		}
		const answer = runner.run(command, corrId).then(
			(body): Block<RelayReply> => ({ corrId, body }),
			(e: unknown) => refused(corrId, e)
		);
		answers.push(answer);
		if (overlaps) sends.push(answer);
		else await answer;
	}
	return Promise.all(answers);
}
