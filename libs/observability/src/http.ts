import type { NextFunction, Request, Response } from 'express';
import { currentCorrelationId, withCorrelation } from './correlation';
import { AppLogger } from './logger';
import { ServiceMetrics } from './metrics';

const CORRELATION_HEADER = 'x-correlation-id';
const SAFE_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * Express middleware: takes the caller's x-correlation-id (or mints one), echoes it, runs the
 * request inside it so every log line carries it, and records latency for /metrics.
 */
export function requestContext(logger: AppLogger, metrics: ServiceMetrics) {
  return (request: Request, response: Response, next: NextFunction) => {
    const given = request.header(CORRELATION_HEADER);
    withCorrelation(given && SAFE_ID.test(given) ? given : undefined, () => {
      const started = process.hrtime.bigint();
      response.on('finish', () => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const route = (request.route?.path as string | undefined) ?? 'unmatched';
        metrics.httpDuration.observe({ method: request.method, route, status: String(response.statusCode) }, seconds);
        if (!request.path.startsWith('/health') && request.path !== '/metrics') {
          logger.info({ method: request.method, route, status: response.statusCode, ms: Math.round(seconds * 1000) }, 'http request');
        }
      });
      response.setHeader(CORRELATION_HEADER, currentCorrelationId() ?? '');
      next();
    });
  };
}
