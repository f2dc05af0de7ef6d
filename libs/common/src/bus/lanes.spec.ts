import { laneOf } from './lanes';

describe('laneOf', () => {
  it('spreads keys over lanes stably', () => {
    expect(laneOf('app:team', 8)).toBe(laneOf('app:team', 8));
    const used = new Set(Array.from({ length: 100 }, (_, i) => laneOf(`app:g${i}`, 8)));
    expect(used.size).toBe(8);
  });
});
