import { Payments1732400000000 } from './1732400000000-payments';

/** In order of application. */
export const MIGRATIONS = [Payments1732400000000];
