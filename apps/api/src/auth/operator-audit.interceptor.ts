import { Injectable, Logger, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { from, mergeMap, type Observable } from 'rxjs';
import { AuthRepository } from './auth.repository.js';
import type { AuthedRequest, ChannelReach } from './principal.js';

/**
 * Writes down what operators did to other accounts' channels (issue 14): after a request succeeded, every channel
 * `managesChannel` let the operator reach that it does not own gets an account audit entry (action `channel.changed`
 * for a write, `channel.key_read` for a sensitive read such as the stream key). Reads are not audited otherwise.
 * On every route that RequireScopes guards, so no route has to remember it.
 */
@Injectable()
export class OperatorAuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger('OperatorAudit');

  constructor(private readonly repo: AuthRepository) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    return next.handle().pipe(mergeMap((value: unknown) => from(this.record(req).then(() => value))));
  }

  private async record(req: AuthedRequest): Promise<void> {
    const principal = req.principal;
    const reached = principal?.reached;
    if (!principal || !reached?.length) return;
    const write = req.method !== 'GET' && req.method !== 'HEAD';
    const audited = dedupe(reached.filter((r) => write || r.sensitive));
    if (!audited.length) return;
    const route = (req.route as { path?: string } | undefined)?.path ?? req.path;
    try {
      await this.repo.auditChannelReach(principal.user, write ? 'channel.changed' : 'channel.key_read', audited, { request: `${req.method} ${route}`, via: principal.via });
    } catch (error) {
      // The change is done and answered: a lost entry is logged loudly rather than turned into a failed request.
      this.logger.error(`operator ${principal.user.id}: audit of ${req.method} ${route} failed: ${(error as Error).message}`);
    }
  }
}

const dedupe = (reached: ChannelReach[]): ChannelReach[] => [...new Map(reached.map((r) => [r.channelId, r])).values()];
