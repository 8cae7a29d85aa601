/**
 * A child process for the outbox crash test: opens the cache with the app's openCache and runs a
 * stream of real service writes — calls through their whole lifecycle, notes, complaints and
 * their transitions — printing one line per committed write:
 *
 *   ack <mutationId> <outbox name> <row id>
 *
 * The parent SIGKILLs it mid-stream and checks that every acknowledged write survived with its
 * outbox entry. It stops by itself after `maxWrites` writes, so a missed kill cannot hang a test.
 *
 * Usage: node --import tsx tests/helpers/outbox-writer-child.ts <cache file> <customer id> <max writes>
 */
import { openCache } from '../../src-main/core/db/open';
import { CallDesk } from '../../src-main/core/calls/call-desk';
import { ComplaintLog } from '../../src-main/core/complaints/complaint-log';
import { NoteBook } from '../../src-main/core/notes/note-book';

const [file, customerId, maxArg] = process.argv.slice(2);
if (!file || !customerId || !maxArg) {
  process.stderr.write('usage: outbox-writer-child <cache file> <customer id> <max writes>\n');
  process.exit(2);
}
const maxWrites = Number(maxArg);

const db = openCache(file);
const desk = new CallDesk(db, 'GB');
const complaints = new ComplaintLog(db);
const notes = new NoteBook(db);
const lastMutation = db.$client.prepare(`SELECT max(mutation_id) FROM outbox`).pluck();
// One agent per process: a call left open by a killed run must not block this one.
const agent = `crash-agent-${process.pid}`;

function ack(name: string, rowId: string): void {
  // Only this process writes the file, so the newest mutation id is the one just committed.
  // Writes to a pipe are synchronous on Linux: the line is out before the next write starts.
  process.stdout.write(`ack ${String(lastMutation.get())} ${name} ${rowId}\n`);
}

let writes = 0;
let callId = '';
let complaintId = '';
const now = () => Date.now();
const steps: (() => void)[] = [
  () => {
    callId = desk.start({ source: 'screen_pop', fromNumber: '+442079460958', customerId }, agent, now()).id;
    ack('call.start', callId);
  },
  () => ack('note.add', notes.add({ customerId, callId, body: `Note ${writes} taken on the call.` }, agent, now()).noteId),
  () => {
    complaintId = complaints.log({ customerId, callId, category: 'late', severity: 'medium', description: `Parcel ${writes} is late.` }, agent, now()).id;
    ack('complaint.log', complaintId);
  },
  () => {
    desk.hold(callId, { agentId: agent, role: null }, now());
    ack('call.hold', callId);
  },
  () => {
    desk.resume(callId, { agentId: agent, role: null }, now());
    ack('call.resume', callId);
  },
  () => {
    const c = complaints.transition({ complaintId, to: 'resolved', resolution: 'Reshipped.', callId }, agent, now());
    ack('complaint.transition', c.history.at(-1)?.id ?? '');
  },
  () => {
    desk.end(callId, { agentId: agent, role: null }, now());
    ack('call.end', callId);
  },
  () => {
    desk.wrapUp({ callId, dispositionCode: 'complaint_logged', notes: 'Reshipped the parcel.' }, { agentId: agent, role: null }, now());
    ack('call.wrap_up', callId);
  },
];

process.stdout.write('ready\n');
while (writes < maxWrites) {
  steps[writes % steps.length]?.();
  writes++;
}
db.$client.close();
process.stdout.write('done\n');
