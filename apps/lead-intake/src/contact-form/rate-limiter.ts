import { createHash } from 'crypto';
import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { Database } from '@clinic/platform';
import { RateLimit } from '../config';

// Longest configurable window is 7 days; rows older than that can never count again.
const CLEANUP_EVERY_N_HITS = 500;

/**
 * Fixed-window counters in Postgres, shared by every replica. A hit is counted in its own
 * statement (not the caller's transaction), so failed submissions count too.
 */
@Injectable()
export class RateLimiter {
  private hitsSinceCleanup = 0;

  constructor(private readonly db: Database) {}

  /** Counts one hit on `bucket`; throws 429 (with Retry-After) once the window's limit is passed. */
  async hit(bucket: string, rule: RateLimit, setHeader: (name: string, value: string) => void): Promise<void> {
    const { rows } = await this.db.query<{ hits: number; retryAfter: number }>(
      `INSERT INTO rate_limit_hits (bucket, window_start, hits)
       VALUES ($1, to_timestamp(floor(extract(epoch FROM now()) / $2) * $2), 1)
       ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit_hits.hits + 1
       RETURNING hits, ceil(extract(epoch FROM window_start + make_interval(secs => $2) - now()))::int AS "retryAfter"`,
      [bucket, rule.windowSeconds],
    );
    if (++this.hitsSinceCleanup >= CLEANUP_EVERY_N_HITS) {
      this.hitsSinceCleanup = 0;
      await this.db.query(`DELETE FROM rate_limit_hits WHERE window_start < now() - interval '8 days'`);
    }
    const { hits, retryAfter } = rows[0];
    if (hits > rule.limit) {
      setHeader('Retry-After', String(Math.max(1, retryAfter)));
      throw new HttpException({ statusCode: 429, message: 'Too many submissions; try again later' }, HttpStatus.TOO_MANY_REQUESTS);
    }
  }
}

/** Rate-limit buckets never hold a readable phone number. */
export const phoneBucket = (e164: string): string => `contact:phone:${createHash('sha256').update(e164).digest('hex')}`;
export const ipBucket = (ip: string): string => `contact:ip:${ip}`;
