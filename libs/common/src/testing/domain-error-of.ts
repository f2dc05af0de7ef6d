import { DomainError } from '../errors/domain-error';

/**
 * The DomainError that `pending` rejects with, so a test can check its code and details. Fails the
 * test if it resolves or rejects with anything else.
 */
export async function domainErrorOf(pending: Promise<unknown>): Promise<DomainError> {
  const outcome = await pending.then(
    (value: unknown) => ({ resolved: true as const, value }),
    (error: unknown) => ({ resolved: false as const, error }),
  );
  if (outcome.resolved)
    throw new Error(
      `expected a DomainError, but it resolved with ${JSON.stringify(outcome.value)}`,
    );
  if (!(outcome.error instanceof DomainError)) throw outcome.error;
  return outcome.error;
}
