/**
 * Escapes LIKE's wildcards (and its escape character, backslash, LIKE's default) so user input
 * matches literally: `x_%` finds `x_%`, not every `x`.
 */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
