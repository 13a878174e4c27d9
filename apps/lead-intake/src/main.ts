import { loadConfigOrExit, runService } from '@clinic/platform';
import { loadLeadIntakeConfig } from './config';
import { leadIntakeService } from './service';

const config = loadConfigOrExit(loadLeadIntakeConfig);
runService(leadIntakeService(config)).catch((error) => {
  process.stderr.write(`lead-intake failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
