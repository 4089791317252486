import { createServer } from 'node:net';
import { TongbanError } from '../core/errors.js';

/** Fails before anything is written when a port is taken (port 0 means "any" and is skipped). */
export async function assertPortsFree(host: string, ports: number[]): Promise<void> {
  const taken: number[] = [];
  for (const port of ports) {
    if (port === 0) continue;
    const free = await new Promise<boolean>((res) => {
      const s = createServer();
      s.once('error', () => res(false));
      s.listen({ host, port, exclusive: true }, () => s.close(() => res(true)));
    });
    if (!free) taken.push(port);
  }
  if (taken.length) {
    const many = taken.length > 1;
    throw new TongbanError(
      'E_PORT_IN_USE',
      `port${many ? 's' : ''} ${taken.join(', ')} on ${host} already in use; stop what uses ${many ? 'them' : 'it'} or choose another port`,
    );
  }
}
