// H1's baseline: a bare `http` server answering a history page with the same SQL through `pg`
// (a pool of 10, like a Parley service), as JSON. GET /history?app=&conversation=&before=
import { workerConfig } from '../lib/config.mjs';
import http from 'node:http';
import pg from 'pg';

const cfg = workerConfig();
const db = new pg.Pool({ connectionString: cfg.databaseUrl, max: 10 });
const server = http.createServer(async (req, res) => {
  const q = new URL(req.url, 'http://x').searchParams;
  try {
    const { rows } = await db.query(
      `SELECT m.* FROM "messaging"."messages" m
       WHERE m."app_id" = $1 AND m."conversation_id" = $2 AND m."id" < $3
       ORDER BY m."id" DESC LIMIT 50`,
      [q.get('app'), q.get('conversation'), q.get('before')],
    );
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ data: rows.reverse() }));
  } catch (err) {
    res.writeHead(500);
    res.end(err.message);
  }
});
server.listen(0, '127.0.0.1', () => {
  console.log(`ready ${JSON.stringify({ port: server.address().port })}`);
});
process.on('SIGTERM', () => server.close(() => db.end().then(() => process.exit(0))));
