import { EntityManager } from 'typeorm';
import { UNBOUNDED, UserErasure, UserErasureStep } from './user-erasure';

/** A transaction whose schema has no table naming a user, and no message sent by them. */
const TX = {
  query: jest.fn(async (sql: string) => (sql.includes('"sent"') ? [{ sent: 0 }] : [])),
} as unknown as EntityManager;

describe('UserErasure', () => {
  const step = (erases: string, log: string[], fail = false): UserErasureStep => ({
    erases,
    erase: jest.fn(async (_tx: EntityManager, appId: string, uid: string) => {
      if (fail) throw new Error(`${erases} failed`);
      log.push(`${erases}:${appId}:${uid}`);
    }),
  });

  it("runs every step, in order, in the erasure's transaction", async () => {
    const log: string[] = [];
    const steps = [step('messages', log), step('reactions', log)];
    await expect(new UserErasure(steps).erase(TX, 'app1', 'ann')).resolves.toEqual({});
    expect(log).toEqual(['messages:app1:ann', 'reactions:app1:ann']);
    expect(steps[0].erase).toHaveBeenCalledWith(TX, 'app1', 'ann', UNBOUNDED);
  });

  it("bounds every step by the delete's time and position", async () => {
    const steps = [step('messages', [])];
    const before = new Date('2026-01-01T00:00:01Z');
    await new UserErasure(steps).erase(TX, 'app1', 'ann', before, 42);
    expect(steps[0].erase).toHaveBeenCalledWith(TX, 'app1', 'ann', { before, position: 42 });
  });

  it('fails as a whole when a step fails (the transaction rolls back, the event is redelivered)', async () => {
    const log: string[] = [];
    const erasure = new UserErasure([step('messages', log), step('positions', log, true)]);
    await expect(erasure.erase(TX, 'app1', 'ann')).rejects.toThrow('positions failed');
  });
});
