/** Test helpers (ARCHITECTURE.md §11): import from `@parley/common/testing`, never from production code. */
export * from './service-context';
export * from './test-bus';
export * from './ids';
export * from './eventually';
export * from './domain-error-of';
export * from './query-plan';
export * from './webhook-receiver';
export * from './presence';
