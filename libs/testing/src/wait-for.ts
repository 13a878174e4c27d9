export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Named in the error when the condition never holds. */
  description?: string;
}

/**
 * Polls `probe` until it returns a truthy value (which is returned) or the timeout passes.
 * Tests wait on conditions, never on fixed sleeps.
 */
export async function waitFor<T>(probe: () => Promise<T> | T, options: WaitForOptions = {}): Promise<NonNullable<T>> {
  const { timeoutMs = 20_000, intervalMs = 25, description = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}${reason}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
