/**
 * A TCP link between one workstation and the central store, on 127.0.0.1, that a test can break:
 * `down()` cuts every open connection and refuses new ones (the network dropped); `loseResponses`
 * forwards requests to the store but never relays what comes back and then cuts the connection
 * (the store did the work, the workstation never heard — the case idempotent push exists for).
 * Nothing here talks to any address but 127.0.0.1.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export type LinkMode = 'up' | 'down' | 'lose_responses';

export class LinkProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private modeNow: LinkMode = 'up';
  /** How many connections were cut or had their answer dropped (for the test's report). */
  faults = 0;

  constructor(private targetPort: number) {}

  /** Listens on 127.0.0.1 (port 0 picks one) and resolves with the URL workstations should use. */
  async start(port = 0): Promise<string> {
    const server = createServer((client) => this.accept(client));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  get port(): number {
    return (this.server?.address() as AddressInfo).port;
  }

  get mode(): LinkMode {
    return this.modeNow;
  }

  /** Points the link at another port (the store restarted elsewhere). */
  retarget(port: number): void {
    this.targetPort = port;
  }

  set(mode: LinkMode): void {
    this.modeNow = mode;
    if (mode === 'down') this.cutAll();
  }

  cutAll(): void {
    for (const socket of this.sockets) socket.destroy();
    if (this.sockets.size > 0) this.faults++;
    this.sockets.clear();
  }

  async stop(): Promise<void> {
    this.cutAll();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (this.modeNow === 'down') {
      this.faults++;
      client.destroy();
      return;
    }
    const upstream = connect(this.targetPort, '127.0.0.1');
    this.sockets.add(client);
    this.sockets.add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
    client.on('data', (chunk) => {
      if (this.modeNow === 'down') return close();
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (this.modeNow === 'up') {
        client.write(chunk);
        return;
      }
      // The store answered; the workstation never hears it.
      this.faults++;
      close();
    });
  }
}
