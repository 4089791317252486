// A second reference for bench/exchange.ts: the shape of an exchange without its security — a bare
// node:http server that forwards each lookup, unchanged, to a bare lookup server (bench/bare-server.ts)
// over a keep-alive undici pool, as a requester node forwards to a provider node, and returns the
// answer. No signatures, no policy, no audit, no database writes: what two HTTP hops alone cost here.
//   node --import tsx bench/forward-server.ts <upstream url>   → prints the port
import { createServer } from 'node:http';
import { Pool } from 'undici';

const upstream = new URL(process.argv[2]!);
const pool = new Pool(upstream.origin, { connections: 64, pipelining: 1, keepAliveTimeout: 30_000 });

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    pool
      .request({ method: 'POST', path: upstream.pathname, headers: { 'content-type': 'application/json' }, body: Buffer.concat(chunks) })
      .then(async (r) => {
        const text = await r.body.text();
        res.writeHead(r.statusCode, { 'content-type': 'application/json' });
        res.end(text);
      })
      .catch(() => res.writeHead(502).end());
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: (server.address() as { port: number }).port }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
