// Medians and ratios over the interleaved rounds of a scenario.

export function median(values) {
  const sorted = [...values].filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The median of each numeric field over rounds: [{a:1},{a:3},{a:2}] -> {a:2}. */
export function medianOf(rounds) {
  const keys = new Set(rounds.flatMap((r) => Object.keys(r)));
  const out = {};
  for (const k of keys) {
    const values = rounds.map((r) => r[k]).filter((v) => typeof v === 'number');
    if (values.length) out[k] = median(values);
  }
  return out;
}

export const round = (v, digits = 2) =>
  Number.isFinite(v) ? Number(v.toFixed(v >= 100 ? 0 : digits)) : v;
