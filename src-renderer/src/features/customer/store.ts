import type { StateCreator } from 'zustand';
import type { AppState } from '../../app/store';

/** What the main pane shows under the search box. */
export type MainView =
  | { kind: 'results' }
  | { kind: 'customer'; customerId: string }
  | { kind: 'new-customer'; phone: string }
  /** Users, teams and workstations (users.manage or workstations.read). */
  | { kind: 'admin' }
  /** The audit log (audit.read). */
  | { kind: 'audit' }
  /** Orders waiting for a supervisor's approval of their discount (discount.approve). */
  | { kind: 'approvals' }
  /** The supervisors' live board (metrics.team). */
  | { kind: 'board' }
  /** The supervisor dashboard, or a CSR's own figures (metrics.own). */
  | { kind: 'dashboard' };

export interface CustomerSlice {
  view: MainView;
  openCustomer(customerId: string): void;
  openNewCustomer(phone: string): void;
  backToResults(): void;
  openAdmin(): void;
  openAudit(): void;
  openApprovals(): void;
  openBoard(): void;
  openDashboard(): void;
}

export const createCustomerSlice: StateCreator<AppState, [], [], CustomerSlice> = (set) => ({
  view: { kind: 'results' },
  openCustomer: (customerId) => set({ view: { kind: 'customer', customerId } }),
  openNewCustomer: (phone) => set({ view: { kind: 'new-customer', phone } }),
  backToResults: () => set({ view: { kind: 'results' } }),
  openAdmin: () => set({ view: { kind: 'admin' } }),
  openAudit: () => set({ view: { kind: 'audit' } }),
  openApprovals: () => set({ view: { kind: 'approvals' } }),
  openBoard: () => set({ view: { kind: 'board' } }),
  openDashboard: () => set({ view: { kind: 'dashboard' } }),
});
