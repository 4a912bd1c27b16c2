import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { LlPlaylistModelSchema, type LlPlaylistModel } from '@onda/contracts';
import { InternalGuard } from '../auth/auth.guard.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { LlPlaylistsService } from './ll-playlists.service.js';

/** worker -> API: a low-latency rendition's new playlist model, after its objects are stored. */
@ApiExcludeController()
@UseGuards(InternalGuard)
@Controller('internal/worker/sessions')
export class LlInternalController {
  constructor(private readonly models: LlPlaylistsService) {}

  @Post(':id/ll')
  @HttpCode(204)
  announce(@Param('id', uuidParam()) id: string, @Body(new ZodPipe(LlPlaylistModelSchema)) body: LlPlaylistModel): Promise<void> {
    return this.models.announce(id, body);
  }
}
