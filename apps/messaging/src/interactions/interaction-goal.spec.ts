import { goalOf, isGoalCompleted } from './interaction-goal';

describe('isGoalCompleted', () => {
  const goal = (type: 'none' | 'anyAction' | 'anyOf' | 'allOf', elementIds: string[] = []) => ({
    type,
    elementIds,
  });

  it('anyAction: any interaction at all', () => {
    expect(isGoalCompleted(goal('anyAction'), [])).toBe(false);
    expect(isGoalCompleted(goal('anyAction'), ['whatever'])).toBe(true);
  });

  it("anyOf: one of the goal's elements", () => {
    const g = goal('anyOf', ['yes', 'no']);
    expect(isGoalCompleted(g, ['maybe'])).toBe(false);
    expect(isGoalCompleted(g, ['maybe', 'no'])).toBe(true);
  });

  it("allOf: every one of the goal's elements, in any order, repeats counted once", () => {
    const g = goal('allOf', ['name', 'email', 'submit']);
    expect(isGoalCompleted(g, ['name', 'email', 'email'])).toBe(false);
    expect(isGoalCompleted(g, ['submit', 'email', 'name', 'extra'])).toBe(true);
    expect(isGoalCompleted(goal('allOf', []), ['x'])).toBe(false);
  });

  it('none: never', () => {
    expect(isGoalCompleted(goal('none', ['a']), ['a'])).toBe(false);
  });
});

describe('goalOf', () => {
  it('reads the stored goal', () => {
    expect(goalOf({ interactionGoal: { type: 'allOf', elementIds: ['a', 'b'] } })).toEqual({
      type: 'allOf',
      elementIds: ['a', 'b'],
    });
  });

  it('is none when the message states no valid goal', () => {
    expect(goalOf({})).toEqual({ type: 'none', elementIds: [] });
    expect(goalOf({ interactionGoal: { type: 'most', elementIds: 'a' } })).toEqual({
      type: 'none',
      elementIds: [],
    });
  });
});
