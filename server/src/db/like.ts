// A LIKE pattern matching `text` anywhere, with its wildcards escaped. Use with `LIKE :p ESCAPE '!'`:
// '!' rather than a backslash because it is the one escape character MySQL and SQLite read alike.
export const LIKE_ESCAPE = "ESCAPE '!'";

export function containsPattern(text: string): string {
  return `%${escapeLike(text)}%`;
}

export function prefixPattern(text: string): string {
  return `${escapeLike(text)}%`;
}

function escapeLike(text: string): string {
  return text.replace(/[!%_]/g, (c) => `!${c}`);
}
