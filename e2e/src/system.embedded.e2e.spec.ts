import { describeWholeSystem } from './whole-system';

// The embedded default (`npm start`): every service its own process, events on the Postgres event log.
describeWholeSystem('embedded', 'the whole system on the embedded event log');
