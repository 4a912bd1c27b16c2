import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { readinessBody, type ReadyBody } from '@onda/observability';
import { AppError } from './common/app-error.js';
import { HealthService } from './health.service.js';

/** Probes for orchestrators and load balancers; open to anyone, and they reveal no hosts or errors. */
@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** The process answers. */
  @Get('healthz')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** The database, Redis (when configured) and storage answer; otherwise a 503 problem naming which do not. */
  @Get('readyz')
  async readyz(): Promise<ReadyBody> {
    const answer = readinessBody(await this.health.readiness());
    if (answer.status === 503) throw new AppError('unavailable', answer.body.detail, answer.body.errors);
    return answer.body;
  }
}
