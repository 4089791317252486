// A second baseline for bench/exchange.ts: the same record lookup served the way a department's own
// API typically is — Fastify with JSON Schema validation, Kysely over SQLite — with no signatures,
// no policy and no audit. Shows how much of the exchange's cost is the service stack itself.
//   node --import tsx bench/fastify-server.ts <registries.db>   → prints the port
import Fastify from 'fastify';
import { openDatabase } from '../src/store/db.js';
import type { RegistryDB } from '../src/sim/registries/index.js';

const store = await openDatabase<RegistryDB>(`sqlite:${process.argv[2]!}`);
const app = Fastify({ logger: false });
app.post(
  '/lookup',
  { schema: { body: { type: 'object', required: ['idNumber'], properties: { idNumber: { type: 'string', minLength: 15, maxLength: 18 }, fields: { type: 'array', items: { type: 'string' } } } } } },
  async (req, reply) => {
    const { idNumber } = req.body as { idNumber: string };
    const row = await store.db.selectFrom('hukou_person').select(['name', 'sex', 'birth_date', 'registered_address_code', 'updated_at']).where('id_number', '=', idNumber).executeTakeFirst();
    if (!row) return reply.code(404).send({ error: 'not found' });
    return { record: { name: row.name, sex: row.sex, birthDate: row.birth_date, registeredDivision: row.registered_address_code }, dataTime: row.updated_at };
  },
);
await app.listen({ host: '127.0.0.1', port: 0 });
console.log(JSON.stringify({ port: (app.server.address() as { port: number }).port }));
process.on('SIGTERM', () => void app.close().then(() => store.close()).then(() => process.exit(0)));
