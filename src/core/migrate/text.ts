// Counted nouns for migrate-irsa's messages: "1 entry", "2 entries" (never "entr(ies)").

/** `count` and the noun in the right number: plural(1, 'entry', 'entries') → "1 entry". */
export const plural = (count: number, one: string, many = `${one}s`): string => `${count} ${count === 1 ? one : many}`;
