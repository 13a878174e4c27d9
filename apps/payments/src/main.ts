import { loadConfigOrExit, runService } from '@clinic/platform';
import { loadPaymentsConfig } from './config';
import { paymentsService } from './service';

const config = loadConfigOrExit(loadPaymentsConfig);
runService(paymentsService(config)).catch((error) => {
  process.stderr.write(`payments failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
