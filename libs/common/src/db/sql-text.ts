/**
 * Escapes LIKE's wildcards (and its escape character, backslash, LIKE's default) so user input
 * matches literally: `x_%` finds `x_%`, not every `x`.
 */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** `s` as an SQL string literal (standard_conforming_strings, PostgreSQL's default since 9.1). */
export function sqlText(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
