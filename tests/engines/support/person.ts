/**
 * One person in one browser of their own, as the cross-engine scenarios drive them: by accessible
 * names (the names issue 11 fixes), whatever the engine. Each engine (firefox.ts, webkit.ts)
 * implements the few primitives; the waiting and reading here are shared.
 *
 * Every wait is for something a person would see (an element, a text); a wait that runs out
 * throws a `WaitTimeout` naming what never appeared.
 */

export interface Person {
	/** The engine's name, for messages ("Firefox", "WebKit"). */
	readonly engine: string;
	goto(url: string): Promise<void>;
	reload(): Promise<void>;
	/** Replaces the text of the textbox named `name`, typing it, once the box is shown. */
	fill(name: string, text: string): Promise<void>;
	/** Clicks the button (or link) named `name` once it is shown and enabled. */
	press(name: string, role?: 'button' | 'link'): Promise<void>;
	/** Waits until the button named `name` is shown. */
	waitForButton(name: string): Promise<void>;
	/** Clicks the link inside the navigation landmark named `nav` whose text contains `text`. */
	follow(nav: string, text: string): Promise<void>;
	/** The current value of the textbox named `name`, once it is shown. */
	value(name: string): Promise<string>;
	/** Evaluates a JavaScript expression in the page and returns its (JSON-able) value. */
	run<T>(expression: string): Promise<T>;
	close(): Promise<void>;
}

/** How a browser engine makes people: each `open` is a new browser with empty storage. */
export interface Engine {
	readonly name: string;
	open(url: string): Promise<Person>;
	/** Stops what the engine started for all its people (an X server, say). */
	shutdown(): Promise<void>;
}

export class WaitTimeout extends Error {
	override readonly name = 'WaitTimeout';
}

/** How long a person waits for what should follow an action (the relay round trips included). */
export const PATIENCE_MS = 30_000;

/** Polls `probe` until it returns a value other than undefined, or throws after `ms`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = PATIENCE_MS): Promise<T> {
	const deadline = Date.now() + ms;
	let last: unknown;
	for (;;) {
		try {
			const value = await probe();
			if (value !== undefined) return value;
		} catch (e) {
			last = e;
		}
		if (Date.now() > deadline) {
			const why = last instanceof Error ? ` (last error: ${last.message})` : '';
			throw new WaitTimeout(`waited ${ms} ms for ${what}${why}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/** A message in the log as a person reads it: who wrote it, its body, and (mine only) its status. */
export interface Shown {
	readonly mine: boolean;
	readonly body: string;
	readonly status: string | null;
}

/**
 * The message log named "Messages", read in the page: each list item starts with who wrote it
 * ("You:" for mine), then a quote if it replies ("In reply to …"), the body, then the time and the
 * status (Conversation.svelte). Written as a string: the page cannot run the test's compiled code.
 */
const READ_LOG = `(() => {
	const log = document.querySelector('[role="log"][aria-label="Messages"]');
	if (!log) return null;
	const statuses = ['queued', 'sent', 'delivered', 'delivered · read', 'not sent'];
	return [...log.querySelectorAll('li')].flatMap((item) => {
		const body = [...item.querySelectorAll('p')].map((p) => p.innerText).find((t) => !t.startsWith('In reply to'));
		if (body === undefined) return [];
		const status = [...item.querySelectorAll('span')].map((s) => s.innerText.trim()).find((t) => statuses.includes(t));
		return [{ mine: /^\\s*You:/.test(item.innerText), body, status: status ?? null }];
	});
})()`;

/**
 * Polls `probe` in `person`'s page like `until`; a timeout also says what the page showed then,
 * so a failure under load can be told from a wrong screen.
 */
async function untilShown<T>(person: Person, what: string, probe: () => Promise<T | undefined>, ms = PATIENCE_MS): Promise<T> {
	try {
		return await until(`${person.engine}: ${what}`, probe, ms);
	} catch (e) {
		if (!(e instanceof WaitTimeout)) throw e;
		const text = await person.run<string>('document.body.innerText').catch((err: unknown) => `(unreadable: ${String(err)})`);
		throw new WaitTimeout(`${e.message}; the page showed:\n${text.slice(0, 1500)}`);
	}
}

/** The messages shown in the open chat (an empty list when no chat is open). */
export async function shown(person: Person): Promise<Shown[]> {
	return (await person.run<Shown[] | null>(READ_LOG)) ?? [];
}

/** Waits until the open chat's messages satisfy `ok`, and returns them. */
export function seeMessages(person: Person, what: string, ok: (messages: Shown[]) => boolean, ms = PATIENCE_MS): Promise<Shown[]> {
	return untilShown(
		person,
		what,
		async () => {
			const messages = await shown(person);
			return ok(messages) ? messages : undefined;
		},
		ms
	);
}

/** Waits until the status shown under my message `body` matches `status`. */
export async function seeStatus(person: Person, body: string, status: RegExp, ms = PATIENCE_MS): Promise<void> {
	await seeMessages(person, `"${body}" shown as ${status}`, (all) => all.some((m) => m.mine && m.body === body && status.test(m.status ?? '')), ms);
}

/** Waits until the page's text contains `text`. */
export async function see(person: Person, text: string): Promise<void> {
	await untilShown(person, `"${text}" on the page`, async () => ((await person.run<string>('document.body.innerText')).includes(text) ? true : undefined));
}

/** Waits until the heading of level `level` reads `text` (a screen's or a chat's title). */
export async function seeHeading(person: Person, level: number, text: string): Promise<void> {
	const expression = `[...document.querySelectorAll('h${level}')].some((h) => h.innerText.trim() === ${JSON.stringify(text)})`;
	await untilShown(person, `heading "${text}"`, async () => ((await person.run<boolean>(expression)) ? true : undefined));
}
