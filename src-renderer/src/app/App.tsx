import { useAppStore } from './store';
import { StatusBar } from './StatusBar';
import { useGlobalShortcuts } from './useGlobalShortcuts';
import { SearchBox } from '../features/lookup/components/SearchBox';
import { ResultList } from '../features/lookup/components/ResultList';
import { useCallerSearch } from '../features/lookup/hooks/useCallerSearch';
import { useScreenPop } from '../features/lookup/hooks/useScreenPop';
import { Customer360 } from '../features/customer/components/Customer360';
import { NewCustomerForm } from '../features/customer/components/NewCustomerForm';
import { CallBar } from '../features/call/components/CallBar';
import { useRestoreCall } from '../features/call/hooks/useRestoreCall';
import { missingCaseError } from '../../../src-shared/result';

function MainView() {
  const view = useAppStore((s) => s.view);
  switch (view.kind) {
    case 'results':
      return <ResultList />;
    case 'customer':
      return <Customer360 key={view.customerId} customerId={view.customerId} />;
    case 'new-customer':
      return <NewCustomerForm key={view.phone} phone={view.phone} />;
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
    </p>
  );
}

export function App() {
  useGlobalShortcuts();
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
