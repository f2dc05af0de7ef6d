// Target checks: a measure's baseline and Parley medians, the ratio and whether it meets the target.

/** Higher is better: Parley's value over the baseline's must reach `min`. */
export function atLeast(what, baseline, parley, min) {
  const value = parley / baseline;
  return { what, baseline, parley, value, target: `>= ${min}x`, met: value >= min };
}

/** Lower is better: Parley's value over the baseline's must stay within `max`. */
export function atMost(what, baseline, parley, max) {
  const value = parley / baseline;
  return { what, baseline, parley, value, target: `<= ${max}x`, met: value <= max };
}

/** An absolute bound on Parley's own figure (no baseline). */
export function absolute(what, parley, op, bound, unit) {
  const met = op === '<=' ? parley <= bound : parley >= bound;
  return { what, baseline: '', parley, value: parley, target: `${op} ${bound} ${unit}`, met };
}
