/**
 * CPU time and time spent waiting for a CPU, read from /proc (Linux). On a machine shared with
 * other work, a thread's wall time is its CPU time plus its wait for a CPU plus its waits on I/O and
 * other threads; these figures say how much of a slow result was the machine rather than the code.
 * Everything answers null where /proc is not there.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: /proc reports CPU time in these ticks (100 a second on Linux). */
const TICKS_PER_SECOND = 100;

/** Fields after the command name (which may hold spaces), from state on. */
const statFields = (stat: string): string[] => stat.slice(stat.lastIndexOf(')') + 2).split(' ');

/** The nice value: the 17th field from state on. */
function niceFromStat(stat: string): number | null {
  const nice = Number(statFields(stat)[16]);
  return Number.isInteger(nice) ? nice : null;
}

function cpuFromStat(stat: string): number {
  // utime and stime are the 12th and 13th fields from state on.
  const fields = statFields(stat);
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** CPU seconds (user + system, all threads) a process has used so far, or null once it is gone. */
export function processCpuSeconds(pid: number): number | null {
  try {
    return cpuFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

export interface ThreadTimes {
  /** CPU seconds used. */
  cpu: number;
  /** Seconds spent runnable but waiting for a CPU (schedstat's run delay). */
  waitForCpu: number;
  /** The thread's nice value when read (null where unknown). */
  nice: number | null;
  /** The thread's name (/proc's comm: "node" for the main thread and Node's workers, "libuv-worker", V8's helpers…). */
  name?: string;
}

/** Every thread of this process, by thread id. */
export function threadTimes(): Map<number, ThreadTimes> {
  const times = new Map<number, ThreadTimes>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return times;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const waitNs = Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[1] ?? 0);
      const name = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
      times.set(Number(tid), { cpu: cpuFromStat(stat), waitForCpu: waitNs / 1e9, nice: niceFromStat(stat), name });
    } catch {
      // the thread ended between listing and reading
    }
  }
  return times;
}

/**
 * What each thread used between two readings, busiest first (threads new since `before` count from
 * zero; threads that ended in between are not in `after`, so their share is missing).
 */
export function threadsByCpu(before: Map<number, ThreadTimes>, after: Map<number, ThreadTimes>): (ThreadTimes & { tid: number })[] {
  const used: (ThreadTimes & { tid: number })[] = [];
  for (const [tid, now] of after) {
    const then = before.get(tid) ?? { cpu: 0, waitForCpu: 0, nice: null };
    used.push({ tid, cpu: now.cpu - then.cpu, waitForCpu: now.waitForCpu - then.waitForCpu, nice: now.nice, ...(now.name === undefined ? {} : { name: now.name }) });
  }
  return used.sort((a, b) => b.cpu - a.cpu);
}

/** The calling thread's times. */
export function ownThreadTimes(): ThreadTimes | null {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const waitNs = Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[1] ?? 0);
    return { cpu: cpuFromStat(stat), waitForCpu: waitNs / 1e9, nice: niceFromStat(stat) };
  } catch {
    return null;
  }
}
