import type { Provider, Type } from '@nestjs/common';
import type { ApiOptions } from '../common/tokens.js';
import { BeaconIngest } from './beacon.ingest.js';
import { BeaconsController } from './beacons.controller.js';
import { LiveStatsController, StatsInternalController, VodStatsController } from './stats.controller.js';
import { resolveStatsOptions, STATS_OPTIONS } from './stats.options.js';
import { StatsRepository } from './stats.repository.js';
import { StatsRetention } from './stats-retention.js';
import { StatsService } from './stats.service.js';
import { StatsTargets } from './stats-targets.js';
import { PlaybackTicketService } from './playback-ticket.service.js';

export const statsControllers: Type[] = [BeaconsController, LiveStatsController, VodStatsController, StatsInternalController];

/** Playback statistics: beacon ingest, aggregates, the read side and the raw-beacon retention. */
export function statsProviders(options: ApiOptions): Provider[] {
  return [{ provide: STATS_OPTIONS, useValue: resolveStatsOptions(options.stats, options) }, StatsRepository, StatsTargets, PlaybackTicketService, BeaconIngest, StatsRetention, StatsService];
}
