/**
 * Many workstations pushing at once: each simulated workstation has its own client id and its own
 * signed-in session (all as the bench user: the store binds a client id to the user of its first
 * push, and one user may push for several client ids), and sends `note.add` mutations one per
 * request, as a workstation does when a CSR saves a note and the outbox is otherwise empty.
 */
import { randomUUID } from 'node:crypto';
import { MUTATION_SCHEMA_VERSIONS, pushResponse, type PushRequest } from '../src-shared/contracts/sync-protocol';
import { parseMutationArgs } from '../src-shared/sync/mutations';
import { signIn } from './sync-store';
import { percentile, type Figure } from './stats';

export interface PushBenchOptions {
  serverUrl: string;
  username: string;
  password: string;
  /** Existing customers on the store (notes are refused for a customer the store lacks). */
  customerIds: readonly string[];
  clients: number;
  perClient: number;
}

const REQUEST_TIMEOUT_MS = 30_000;

export async function benchPush(options: PushBenchOptions): Promise<Figure[]> {
  if (options.customerIds.length === 0) throw new Error('The push benchmark needs customers on the store.');
  // Sign-ins (scrypt on the server) happen before the clock starts: they are not pushes.
  // Each workstation registers with its own client id and pushes with its workstation token.
  const stations: { clientId: string; token: string }[] = [];
  for (let c = 0; c < options.clients; c++) {
    const clientId = randomUUID();
    stations.push({ clientId, token: await signIn(options.serverUrl, options.username, options.password, { id: clientId, name: `bench ${c + 1}` }) });
  }

  const latencies: number[] = [];
  const outcomes = new Map<string, number>();
  let failures = 0;
  let nextCustomer = 0;

  const note = (m: number) => {
    const args = {
      noteId: randomUUID(),
      customerId: options.customerIds[nextCustomer++ % options.customerIds.length]!,
      callId: null,
      agentId: 'bench',
      body: `Benchmark note ${m}: customer asked about delivery times.`,
      createdAt: Date.now(),
    };
    const parsed = parseMutationArgs('note.add', MUTATION_SCHEMA_VERSIONS.current, args);
    if (!parsed.ok) throw new Error(`The bench's note.add is not valid: ${parsed.error.message}`);
    return args;
  };

  const workstation = async ({ clientId, token }: { clientId: string; token: string }) => {
    for (let id = 1; id <= options.perClient; id++) {
      const body: PushRequest = {
        clientId,
        mutations: [{ id, name: 'note.add', args: note(id), schemaVersion: MUTATION_SCHEMA_VERSIONS.current, createdAt: Date.now() }],
      };
      const started = performance.now();
      const response = await fetch(`${options.serverUrl}/sync/push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      latencies.push(performance.now() - started);
      const parsed = pushResponse.safeParse((JSON.parse(text) as { value?: unknown }).value);
      if (!response.ok || !parsed.success) {
        failures++;
        // A 503 leaves the id unsettled: send it again, as the workstation would (bounded: the run stops at 10 failures).
        if (failures >= 10) throw new Error(`Pushes keep failing (HTTP ${response.status}): ${text.slice(0, 300)}`);
        id--;
        continue;
      }
      for (const r of parsed.data.results) outcomes.set(r.status, (outcomes.get(r.status) ?? 0) + 1);
    }
  };

  const started = performance.now();
  await Promise.all(stations.map((station) => workstation(station)));
  const seconds = (performance.now() - started) / 1000;
  const applied = outcomes.get('applied') ?? 0;
  const other = [...outcomes].filter(([status]) => status !== 'applied');
  if (other.length > 0) console.warn(`  warning: not every push was applied: ${other.map(([s, n]) => `${n} ${s}`).join(', ')}`);
  return [
    { name: 'push.mutations_per_s', value: applied / seconds, unit: 'mutations/s' },
    { name: 'push.p50_ms', value: percentile(latencies, 0.5), unit: 'ms' },
    { name: 'push.p99_ms', value: percentile(latencies, 0.99), unit: 'ms' },
    { name: 'push.clients', value: options.clients, unit: 'workstations' },
    { name: 'push.mutations', value: applied, unit: 'applied' },
    { name: 'push.not_applied', value: other.reduce((n, [, count]) => n + count, 0) + failures, unit: 'mutations' },
    { name: 'push.seconds', value: seconds, unit: 's' },
  ];
}
