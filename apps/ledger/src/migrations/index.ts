import { LedgerStream1732400000000 } from './1732400000000-ledger-stream';

/** In order of application. */
export const MIGRATIONS = [LedgerStream1732400000000];
