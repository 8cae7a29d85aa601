/**
 * A worker thread of the import's check pool (check-pool.ts): checks the rows it is sent with
 * checkCustomerRow (the app's contracts, the phone library) and answers the results in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CountryCode } from 'libphonenumber-js/max';
import { checkCustomerRow } from './customer-row';

const region = (workerData as { region: CountryCode }).region;
parentPort?.on('message', (message: { id: number; rows: Record<string, string>[] }) => {
  parentPort?.postMessage({ id: message.id, results: message.rows.map((fields) => checkCustomerRow(fields, region)) });
});
