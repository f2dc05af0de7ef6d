import { startEmbeddedPostgres } from '../../../libs/common/src/embedded/pglite-server';

/**
 * Serves one embedded database from a process of its own, for tests: PGlite loads parts of itself
 * with dynamic `import()`, which Jest's module sandbox does not run. Prints `{"url": ...}` on one
 * line once it serves; stops cleanly on SIGTERM. Usage: embedded-postgres-host <dataDir> <name>.
 */
async function main() {
  const [dataDir, name] = process.argv.slice(2);
  const pg = await startEmbeddedPostgres({ dataDir, name });
  process.stdout.write(`${JSON.stringify({ url: pg.url })}\n`);
  process.once('SIGTERM', () => {
    pg.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`${String(err)}\n`);
        process.exit(1);
      },
    );
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
