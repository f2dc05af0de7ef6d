/** REST routes are served under both `/v3` and `/v3.0` (API.md §1). */
export function v3(path: string): string[] {
  return [`v3/${path}`, `v3.0/${path}`];
}
