/** SQL for customer notes. */
import type { WritableDb } from '../db/open';

export function createNoteWriteRepository(db: WritableDb) {
  const insert = db.$client.prepare(
    `INSERT INTO notes (id, customer_id, call_id, agent_id, body, created_at) VALUES (@id, @customerId, @callId, @agentId, @body, @createdAt)`,
  );
  return {
    insert(row: { id: string; customerId: string; callId: string | null; agentId: string; body: string; createdAt: number }) {
      insert.run(row);
    },
  };
}
