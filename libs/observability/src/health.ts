import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '@clinic/auth';
import { ServiceMetrics } from './metrics';

export type HealthCheck = () => Promise<boolean>;

/** Readiness checks registered by whatever the service depends on (database, broker, ...). */
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();

  register(name: string, check: HealthCheck): void {
    this.checks.set(name, check);
  }

  async run(timeoutMs = 2000): Promise<{ ready: boolean; checks: Record<string, 'up' | 'down'> }> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
        const up = await Promise.race([check().catch(() => false), timeout]);
        return [name, up ? 'up' : 'down'] as const;
      }),
    );
    return { ready: entries.every(([, state]) => state === 'up'), checks: Object.fromEntries(entries) };
  }
}

@Public()
@ApiTags('operations')
@Controller()
export class OperationsController {
  constructor(private readonly health: HealthRegistry, private readonly metrics: ServiceMetrics) {}

  @Get('health/live')
  live() {
    return { status: 'ok' };
  }

  @Get('health/ready')
  async ready(@Res() response: Response) {
    const result = await this.health.run();
    response.status(result.ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json({ status: result.ready ? 'ready' : 'not ready', checks: result.checks });
  }

  @Get('metrics')
  async prometheus(@Res() response: Response) {
    response.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
