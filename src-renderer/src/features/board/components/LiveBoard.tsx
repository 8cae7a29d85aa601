import { useEffect, useRef, useState } from 'react';
import type { BoardAgent, BoardLive, BoardState } from '../../../../../src-shared/contracts/board';
import { switchboard } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import { BackButton } from '../../customer/components/ProfilePanels';
import { useCan, useSessionStore } from '../../auth/store';

/** How often the board is read again from the store while it is on screen. */
export const BOARD_REFRESH_MS = 1000;

const STATE_WORDS: Readonly<Record<BoardState, string>> = {
  talking: 'On a call',
  on_hold: 'On hold',
  wrap_up: 'Wrap-up',
};

/** 3:12, or 1:02:07 past an hour. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** The same as an ISO 8601 duration, for <time dateTime>. */
const isoDuration = (ms: number) => `PT${Math.max(0, Math.floor(ms / 1000))}S`;

interface Reading {
  board: BoardLive;
  /** performance.now() when it arrived: the store's `now` plus the time since is the store's clock now. */
  receivedAt: number;
}

type BoardStatus = { reading: Reading | null; error: string | null };

/**
 * Reads board:live every second while the screen is shown and the window visible, one request at
 * a time (the next starts a second after the last answered, so a slow store is never piled on).
 */
function useBoard(refreshMs = BOARD_REFRESH_MS): BoardStatus {
  const [status, setStatus] = useState<BoardStatus>({ reading: null, error: null });
  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    const read = async () => {
      timer = undefined;
      if (document.visibilityState === 'hidden') return;
      const r = await switchboard().boardLive({});
      if (stopped) return;
      if (r.ok) setStatus({ reading: { board: r.value, receivedAt: performance.now() }, error: null });
      else
        setStatus((s) => ({
          reading: s.reading,
          error: r.error.code === 'unavailable' ? `The live board needs the central store. ${r.error.message}` : r.error.message,
        }));
      if (!stopped) timer = window.setTimeout(() => void read(), refreshMs);
    };
    const onVisible = () => {
      if (document.visibilityState === 'visible' && timer === undefined) void read();
    };
    void read();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      stopped = true;
      if (timer !== undefined) window.clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [refreshMs]);
  return status;
}

/** performance.now(), re-read every second: what makes the durations tick between readings. */
function useTick(ms = 1000): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(performance.now()), ms);
    return () => window.clearInterval(timer);
  }, [ms]);
  return now;
}

function stateOf(agent: BoardAgent): string {
  if (agent.call) return STATE_WORDS[agent.call.state];
  return agent.signedIn ? 'Signed in, no call' : 'Signed out';
}

/** A running workstation asks the store something at least every 30 s; past this it is not heard from. */
export const UNHEARD_MS = 2 * 60 * 1000;

function Workstation({ agent, storeNow }: { agent: BoardAgent; storeNow: number }) {
  const at = agent.signedIn;
  if (!at) return <span className="muted">Not signed in</span>;
  const silent = at.seenAt !== null && storeNow - at.seenAt > UNHEARD_MS ? storeNow - at.seenAt : null;
  return (
    <>
      {at.workstation}
      {silent !== null && <span className="muted"> (not heard from for {Math.floor(silent / 60_000)} min)</span>}
    </>
  );
}

function AgentRow({ agent, storeNow }: { agent: BoardAgent; storeNow: number }) {
  const call = agent.call;
  const elapsed = call ? storeNow - call.since : null;
  return (
    <tr className={call ? `board__row board__row--${call.state}` : 'board__row'}>
      <th scope="row">
        {agent.displayName} <span className="muted">({agent.username})</span>
      </th>
      <td>{agent.teams.join(', ')}</td>
      <td>
        <Workstation agent={agent} storeNow={storeNow} />
      </td>
      <td>
        <span className={call ? `board__state board__state--${call.state}` : 'board__state'}>{stateOf(agent)}</span>
      </td>
      <td className="num">
        {elapsed !== null ? (
          <time className="tabular" dateTime={isoDuration(elapsed)}>
            {formatElapsed(elapsed)}
          </time>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="num">{agent.handledToday}</td>
    </tr>
  );
}

/** "2 orders", "1 order". */
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function Summary({ board, storeNow }: { board: BoardLive; storeNow: number }) {
  const canApprove = useCan('discount.approve');
  const onCalls = board.agents.filter((a) => a.call !== null).length;
  const signedIn = board.agents.filter((a) => a.signedIn !== null).length;
  const oldest = board.approvals.oldestAt;
  return (
    <dl className="board__summary" aria-label="Board summary">
      <div className="board__figure">
        <dt>Signed in</dt>
        <dd>{plural(signedIn, 'agent', 'agents')}</dd>
      </div>
      <div className="board__figure">
        <dt>On calls, on hold or in wrap-up</dt>
        <dd>{plural(onCalls, 'agent', 'agents')}</dd>
      </div>
      <div className="board__figure">
        <dt>Orders waiting for approval</dt>
        <dd>
          {board.approvals.count}
          {oldest !== null && <span className="muted"> (oldest waiting {formatElapsed(storeNow - oldest)})</span>}
          {canApprove && board.approvals.count > 0 && (
            <>
              {' '}
              <button type="button" className="button button--quiet" onClick={() => useAppStore.getState().openApprovals()}>
                Open approvals
              </button>
            </>
          )}
        </dd>
      </div>
      <div className="board__figure">
        <dt>Complaints logged in the last hour</dt>
        <dd>{board.complaintsLastHour}</dd>
      </div>
    </dl>
  );
}

/**
 * Says, politely and only when they change, the figures a supervisor acts on: the orders waiting
 * for approval. The ticking table itself is never announced.
 */
function Announcer({ board }: { board: BoardLive | null }) {
  const [said, setSaid] = useState('');
  const last = useRef<number | null>(null);
  const count = board?.approvals.count ?? null;
  useEffect(() => {
    if (count === null) return;
    if (last.current !== null && count > last.current) setSaid(`${plural(count, 'order', 'orders')} waiting for approval.`);
    last.current = count;
  }, [count]);
  return (
    <p className="sr-only" role="status" aria-live="polite">
      {said}
    </p>
  );
}

/**
 * The supervisors' live board (issue 22): their teams' agents — signed in where, on a call, on
 * hold or in wrap-up and for how long — with the orders waiting for approval and the complaints of
 * the last hour, from the central store every second. Durations count from the store's clock.
 */
export function LiveBoard() {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const storeConfigured = useSessionStore((s) => s.session?.storeConfigured === true);
  return (
    <section className="board" aria-labelledby="board-title">
      <div className="card__head">
        <BackButton />
      </div>
      <h2 id="board-title" className="admin__title" ref={heading} tabIndex={-1}>
        Live board
      </h2>
      {storeConfigured ? (
        <BoardBody />
      ) : (
        <p role="alert" className="notice">
          The live board needs the central store, and this workstation works without one.
        </p>
      )}
    </section>
  );
}

function BoardBody() {
  const { reading, error } = useBoard();
  const tick = useTick();
  const board = reading?.board ?? null;
  const storeNow = reading ? reading.board.now + Math.max(0, tick - reading.receivedAt) : 0;
  const age = reading ? Math.max(0, Math.floor((tick - reading.receivedAt) / 1000)) : null;
  return (
    <>
      <Announcer board={board} />
      {error !== null && (
        <p role="alert" className="notice notice--error">
          {error}
        </p>
      )}
      {board === null && error === null && <p className="muted">Reading the board from the central store…</p>}
      {board !== null && (
        <>
          <p className="muted board__updated">
            {age !== null && age <= 1 ? 'Updated just now' : `Updated ${age} s ago`}
            {board.teams.length > 0 ? ` · Teams: ${board.teams.join(', ')}` : ''}
          </p>
          <Summary board={board} storeNow={storeNow} />
          {board.agents.length === 0 ? (
            <p className="muted">Nobody is in your teams yet.</p>
          ) : (
            <table className="orders board__table">
              <caption>Agents of {board.teams.length > 0 ? board.teams.join(', ') : 'your teams'}, now</caption>
              <thead>
                <tr>
                  <th scope="col">Agent</th>
                  <th scope="col">Teams</th>
                  <th scope="col">Workstation</th>
                  <th scope="col">State</th>
                  <th scope="col" className="num">
                    For
                  </th>
                  <th scope="col" className="num">
                    Handled today
                  </th>
                </tr>
              </thead>
              <tbody>
                {board.agents.map((a) => (
                  <AgentRow key={a.username} agent={a} storeNow={storeNow} />
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </>
  );
}
