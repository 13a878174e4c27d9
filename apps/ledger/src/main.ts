import { loadConfigOrExit, runService } from '@clinic/platform';
import { loadLedgerConfig } from './config';
import { ledgerService } from './service';

const config = loadConfigOrExit(loadLedgerConfig);
runService(ledgerService(config)).catch((error) => {
  process.stderr.write(`ledger failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
