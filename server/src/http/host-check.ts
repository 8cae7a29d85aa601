/**
 * The Host header must name this store (issue 18, item 9): a page on another site whose DNS name
 * is pointed at 127.0.0.1 (DNS rebinding) reaches the store with its own name in Host, and is
 * refused before any route runs, so it cannot sign in with the demo accounts and pull customers.
 *
 * Accepted: the loopback names (127.0.0.1, localhost, [::1]) on ANY port — a proxy or tunnel on
 * this machine may forward from another port (tests/helpers/link-proxy.ts does) and a rebinding
 * page cannot use these names — plus the names the store is configured with (its --host address
 * when that is a specific one, and every --allow-host / SWITCHBOARD_STORE_HOSTS name), on any port.
 */
import type { FastifyInstance } from 'fastify';
import { envelope } from './errors';

export const LOOPBACK_HOST_NAMES = ['127.0.0.1', 'localhost', '[::1]'] as const;

/** The host name of a Host header value (lower case, IPv6 in brackets), or null when it is not one. */
export function hostNameOf(header: string): string | null {
  const value = header.trim().toLowerCase();
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(value);
  if (!match) return null;
  const port = match[2];
  if (port !== undefined && Number(port) > 65535) return null;
  return match[1]!.replace(/\.$/, '');
}

/** Bracket a bare IPv6 address and lower-case a name, as a Host header carries it. */
function normalizeName(name: string): string {
  const lower = name.trim().toLowerCase().replace(/\.$/, '');
  return lower.includes(':') && !lower.startsWith('[') ? `[${lower}]` : lower;
}

/** Refuses (421) every request whose Host header does not name this store. */
export function checkHostHeader(app: FastifyInstance, configured: readonly string[] = []): void {
  const allowed = new Set<string>([...LOOPBACK_HOST_NAMES, ...configured.filter((n) => n.trim() !== '').map(normalizeName)]);
  app.addHook('onRequest', async (request, reply) => {
    const name = hostNameOf(request.headers.host ?? '');
    if (name !== null && allowed.has(name)) return;
    return reply
      .status(421)
      .send(envelope('forbidden', 'This central store does not answer to that host name; use its own address (or add the name with --allow-host).', 'host'));
  });
}
