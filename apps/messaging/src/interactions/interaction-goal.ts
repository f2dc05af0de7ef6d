import { INTERACTION_GOAL_TYPES, InteractionGoal, InteractionGoalType } from '@parley/contracts';

/**
 * Whether interactions with these elements meet an interactive message's goal (reference §6.6,
 * the SDK's goal types): `anyAction` any interaction at all, `anyOf` one of the goal's elements,
 * `allOf` every one of them, `none` never.
 */
export function isGoalCompleted(goal: InteractionGoal, interacted: Iterable<string>): boolean {
  const done = new Set(interacted);
  switch (goal.type) {
    case 'anyAction':
      return done.size > 0;
    case 'anyOf':
      return goal.elementIds.some((id) => done.has(id));
    case 'allOf':
      return goal.elementIds.length > 0 && goal.elementIds.every((id) => done.has(id));
    case 'none':
      return false;
  }
}

/**
 * The goal a stored message's `data.interactionGoal` states; a message stored without one (or a
 * non-interactive message) has `none`.
 */
export function goalOf(data: Record<string, unknown>): InteractionGoal {
  const goal = data.interactionGoal as { type?: unknown; elementIds?: unknown } | undefined;
  const type = INTERACTION_GOAL_TYPES.includes(goal?.type as InteractionGoalType)
    ? (goal?.type as InteractionGoalType)
    : 'none';
  const elementIds = Array.isArray(goal?.elementIds)
    ? goal.elementIds.filter((e): e is string => typeof e === 'string')
    : [];
  return { type, elementIds };
}
