import { E164_INDIA } from '@clinic/contracts';

// Separators people type between digit groups: spaces, hyphens, dots, parentheses.
const SEPARATORS = /[\s\-.()]/g;

/**
 * Turns the common ways an Indian mobile number is written ("98765 43210", "+91-9876543210",
 * "09876543210", "919876543210", "0091 98765 43210") into E.164 ("+919876543210").
 * Returns null for anything that is not an Indian mobile number (landlines, other countries,
 * letters, wrong length).
 */
export function normaliseIndianMobile(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > 30) return null;
  const compact = input.trim().replace(SEPARATORS, '');
  const national = /^(?:\+91|0091|91|0)?(\d{10})$/.exec(compact)?.[1];
  if (!national) return null;
  const e164 = `+91${national}`;
  return E164_INDIA.test(e164) ? e164 : null;
}
