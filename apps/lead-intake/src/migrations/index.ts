import { Initial1732400000000 } from './1732400000000-initial';

/** In order of application. */
export const MIGRATIONS = [Initial1732400000000];
