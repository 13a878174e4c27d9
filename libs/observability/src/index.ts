export { withCorrelation, currentCorrelationId } from './correlation';
export type { CorrelationContext } from './correlation';
export { createLogger, maskPhone, NestPinoLogger } from './logger';
export type { AppLogger } from './logger';
export { ServiceMetrics } from './metrics';
export { HealthRegistry, OperationsController } from './health';
export type { HealthCheck } from './health';
export { requestContext } from './http';
