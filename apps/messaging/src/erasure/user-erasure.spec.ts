import { Transactor } from '@parley/common';
import { EntityManager } from 'typeorm';
import { UserErasure, UserErasureStep } from './user-erasure';

const TX = {} as EntityManager;

describe('UserErasure', () => {
  const step = (erases: string, log: string[], fail = false): UserErasureStep => ({
    erases,
    erase: jest.fn(async (_tx: EntityManager, appId: string, uid: string) => {
      if (fail) throw new Error(`${erases} failed`);
      log.push(`${erases}:${appId}:${uid}`);
    }),
  });
  const transactor = (log: string[]) => ({
    run: jest.fn(async (work: (tx: EntityManager) => Promise<unknown>) => {
      const result = await work(TX);
      log.push('commit');
      return result;
    }),
  });

  it('runs every step in one transaction', async () => {
    const log: string[] = [];
    const steps = [step('messages', log), step('reactions', log)];
    await new UserErasure(transactor(log) as unknown as Transactor, steps).erase('app1', 'ann');
    expect(log).toEqual(['messages:app1:ann', 'reactions:app1:ann', 'commit']);
    expect(steps[0].erase).toHaveBeenCalledWith(TX, 'app1', 'ann');
  });

  it('fails as a whole when a step fails (the event is redelivered)', async () => {
    const log: string[] = [];
    const erasure = new UserErasure(transactor(log) as unknown as Transactor, [
      step('messages', log),
      step('positions', log, true),
    ]);
    await expect(erasure.erase('app1', 'ann')).rejects.toThrow('positions failed');
    expect(log).not.toContain('commit');
  });
});
