// The baseline of bench/exchange.ts: a bare HTTP server doing the same record lookup as an
// exchange (one citizen from hukou_person, the same fields) with no signatures, no policy, no audit.
//   node --import tsx bench/bare-server.ts <registries.db>   → prints the port
import { createServer } from 'node:http';
import Database from 'better-sqlite3';

const db = new Database(process.argv[2]!, { readonly: true });
const byId = db.prepare('select name, sex, birth_date, registered_address_code, updated_at from hukou_person where id_number = ?');

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { idNumber: string };
      const row = byId.get(body.idNumber) as Record<string, string> | undefined;
      res.writeHead(row ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(row ? { record: { name: row.name, sex: row.sex, birthDate: row.birth_date, registeredDivision: row.registered_address_code }, dataTime: row.updated_at } : { error: 'not found' }));
    } catch {
      res.writeHead(400).end();
    }
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: (server.address() as { port: number }).port }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
