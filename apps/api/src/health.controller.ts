import { Controller, Get, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { PrismaClient } from '@onda/db';
import { AppError } from './common/app-error.js';
import { PRISMA } from './common/tokens.js';

@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  @Get('healthz')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  async ready(): Promise<{ status: 'ready' }> {
    try {
      await this.prisma.$queryRaw`SELECT 1`;
    } catch {
      throw new AppError('unavailable', 'The database is not reachable');
    }
    return { status: 'ready' };
  }
}
