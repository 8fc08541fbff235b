/**
 * A message's reactions as chips: one per emoji, in the order each first appeared, with how many
 * people chose it and whether I am one of them, and the name a screen reader says for the chip
 * ("👍, 2 reactions, including you"). Pure.
 */
export interface Reaction {
	readonly emoji: string;
	readonly mine: boolean;
}

export interface Chip {
	readonly emoji: string;
	readonly count: number;
	readonly mine: boolean;
	readonly label: string;
}

export function chips(reactions: readonly Reaction[]): Chip[] {
	const byEmoji = new Map<string, { count: number; mine: boolean }>();
	for (const r of reactions) {
		const c = byEmoji.get(r.emoji) ?? { count: 0, mine: false };
		byEmoji.set(r.emoji, { count: c.count + 1, mine: c.mine || r.mine });
	}
	return [...byEmoji].map(([emoji, { count, mine }]) => ({ emoji, count, mine, label: `${emoji}, ${count} ${count === 1 ? 'reaction' : 'reactions'}${mine ? ', including you' : ''}` }));
}
