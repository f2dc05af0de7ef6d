import { referencingFirst } from './app-erasure';

describe('referencingFirst', () => {
  it('puts every table before the tables it references', () => {
    const order = referencingFirst(
      ['deliveries', 'endpoints', 'outbox', 'users', 'friendships'],
      [
        { from: 'deliveries', to: 'endpoints' },
        { from: 'friendships', to: 'users' },
        { from: 'delivery_attempts', to: 'deliveries' }, // not a table with app_id: ignored
      ],
    );
    expect(order).toHaveLength(5);
    expect(order.indexOf('deliveries')).toBeLessThan(order.indexOf('endpoints'));
    expect(order.indexOf('friendships')).toBeLessThan(order.indexOf('users'));
  });

  it('ends on a reference cycle instead of looping', () => {
    expect(
      referencingFirst(
        ['a', 'b'],
        [
          { from: 'a', to: 'b' },
          { from: 'b', to: 'a' },
        ],
      ).sort(),
    ).toEqual(['a', 'b']);
  });
});
