import { useAppStore } from './store';
import { StatusBar } from './StatusBar';
import { useGlobalShortcuts } from './useGlobalShortcuts';
import { useFocusRescue } from './useFocusRescue';
import { ShortcutsOverlay } from './ShortcutsOverlay';
import { SearchBox } from '../features/lookup/components/SearchBox';
import { ResultList } from '../features/lookup/components/ResultList';
import { useCallerSearch } from '../features/lookup/hooks/useCallerSearch';
import { useScreenPop } from '../features/lookup/hooks/useScreenPop';
import { Customer360 } from '../features/customer/components/Customer360';
import { NewCustomerForm } from '../features/customer/components/NewCustomerForm';
import { CallBar } from '../features/call/components/CallBar';
import { useRestoreCall } from '../features/call/hooks/useRestoreCall';
import { AdminScreen } from '../features/admin/components/AdminScreen';
import { AuditLog } from '../features/audit/components/AuditLog';
import { Approvals } from '../features/approvals/components/Approvals';
import { LiveBoard } from '../features/board/components/LiveBoard';
import { Dashboard } from '../features/dashboard/components/Dashboard';
import { useSessionKeeper } from '../features/auth/hooks/useSessionKeeper';
import { useCan, useSessionStore } from '../features/auth/store';
import { SignInScreen } from '../features/auth/components/SignInScreen';
import { LockScreen } from '../features/auth/components/LockScreen';
import { SessionControls } from '../features/auth/components/SessionControls';
import type { WorkstationUser } from '../../../src-shared/contracts/auth';
import { missingCaseError } from '../../../src-shared/result';

function NotAllowed({ what }: { what: string }) {
  return (
    <p className="notice notice--error" role="alert">
      Your role does not include {what}. Press Esc to go back.
    </p>
  );
}

function MainView() {
  const view = useAppStore((s) => s.view);
  const canAdmin = useCan('users.manage');
  const canWorkstations = useCan('workstations.read');
  const canAudit = useCan('audit.read');
  const canApprove = useCan('discount.approve');
  const canBoard = useCan('metrics.team');
  const canMetrics = useCan('metrics.own');
  switch (view.kind) {
    case 'results':
      return <ResultList />;
    case 'customer':
      return <Customer360 key={view.customerId} customerId={view.customerId} />;
    case 'new-customer':
      return <NewCustomerForm key={view.phone} phone={view.phone} />;
    case 'admin':
      return canAdmin || canWorkstations ? <AdminScreen /> : <NotAllowed what="administration" />;
    case 'audit':
      return canAudit ? <AuditLog /> : <NotAllowed what="the audit log" />;
    case 'approvals':
      return canApprove ? <Approvals /> : <NotAllowed what="approving discounts" />;
    case 'board':
      return canBoard ? <LiveBoard /> : <NotAllowed what="the live board" />;
    case 'dashboard':
      return canMetrics ? <Dashboard /> : <NotAllowed what="figures" />;
    default:
      throw missingCaseError(view);
  }
}

function ShortcutHints() {
  return (
    <p className="shortcuts">
      <span>
        <kbd>Ctrl</kbd>+<kbd>K</kbd> or <kbd>/</kbd> search
      </span>
      <span>
        <kbd>↑</kbd>
        <kbd>↓</kbd> select
      </span>
      <span>
        <kbd>Enter</kbd> open
      </span>
      <span>
        <kbd>Esc</kbd> back
      </span>
      <span>
        <kbd>Ctrl</kbd>+<kbd>L</kbd> lock
      </span>
    </p>
  );
}

/** The signed-in user's screens. Mounted only while signed in and unlocked: locking removes all of it. */
function Workspace({ user }: { user: WorkstationUser }) {
  useGlobalShortcuts();
  useFocusRescue();
  useCallerSearch();
  useScreenPop();
  useRestoreCall();
  return (
    <div className="app">
      <header className="topbar">
        <h1 className="brand">Switchboard</h1>
        <div className="topbar__search" role="search" aria-label="Customer lookup">
          <SearchBox />
        </div>
        <ShortcutHints />
        <ShortcutsOverlay />
        <SessionControls user={user} />
      </header>
      <div className="callbar-slot">
        <CallBar />
      </div>
      <main className="main">
        <MainView />
      </main>
      <StatusBar />
    </div>
  );
}

function Starting() {
  const readError = useSessionStore((s) => s.readError);
  return (
    <main className="auth">
      <section className="auth__card" aria-labelledby="starting-title">
        <p className="auth__brand">Switchboard</p>
        <h1 id="starting-title" className="auth__title">
          Starting…
        </h1>
        {readError !== null && (
          <p className="notice notice--error" role="alert">
            {readError}
          </p>
        )}
      </section>
    </main>
  );
}

export function App() {
  useSessionKeeper();
  const session = useSessionStore((s) => s.session);
  const generation = useSessionStore((s) => s.workspaceGeneration);
  if (session === null) return <Starting />;
  switch (session.state) {
    case 'signed_out':
      return <SignInScreen session={session} />;
    case 'locked':
      return <LockScreen session={session} />;
    case 'signed_in':
      // Keyed by the generation: a cleared workspace starts every screen and form afresh.
      return session.user === null ? <Starting /> : <Workspace key={generation} user={session.user} />;
    default:
      throw missingCaseError(session.state);
  }
}
