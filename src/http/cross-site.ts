// Requests that change something are refused when a browser says they come from another site. The
// session cookie is SameSite=Strict, but "site" is the registrable domain: a page on a sibling
// subdomain of the province's domain (or an XSS there) is same-site and its requests carry the
// cookie. Routes without a body (rotate the key, approve an entry, sign out) also accept the "simple"
// requests a form or fetch() can send without a preflight. Browsers say where a request comes from
// (Sec-Fetch-Site, or at least Origin); node-to-node calls and the CLI say nothing and are signed or
// token-authenticated on their own.

import type { FastifyRequest } from 'fastify';
import { TongbanError } from '../core/errors.js';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Throws E_FORBIDDEN for a state-changing request a browser sent from another origin. */
export function refuseCrossSite(req: FastifyRequest): void {
  if (SAFE.has(req.method)) return;
  const site = header(req, 'sec-fetch-site');
  if (site !== undefined) {
    // same-origin: our own pages; none: typed into the address bar or a bookmark
    if (site === 'same-origin' || site === 'none') return;
    throw new TongbanError('E_FORBIDDEN', `a ${req.method} from another site (${site}) is refused`);
  }
  const origin = header(req, 'origin');
  if (origin === undefined) return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    throw new TongbanError('E_FORBIDDEN', 'a request with an unreadable Origin is refused');
  }
  // behind a reverse proxy the public host may arrive as X-Forwarded-Host
  const ours = [header(req, 'host'), ...(header(req, 'x-forwarded-host')?.split(',').map((h) => h.trim()) ?? [])];
  if (!ours.includes(host)) throw new TongbanError('E_FORBIDDEN', `a ${req.method} from origin ${origin} is refused`);
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : Array.isArray(v) ? v[0] : undefined;
}
