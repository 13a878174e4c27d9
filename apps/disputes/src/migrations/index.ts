import { Disputes1732400000000 } from './1732400000000-disputes';

/** In order of application. */
export const MIGRATIONS = [Disputes1732400000000];
