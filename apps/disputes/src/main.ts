import { loadConfigOrExit, runService } from '@clinic/platform';
import { loadDisputesConfig } from './config';
import { disputesService } from './service';

const config = loadConfigOrExit(loadDisputesConfig);
runService(disputesService(config)).catch((error) => {
  process.stderr.write(`disputes failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
