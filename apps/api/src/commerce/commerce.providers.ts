import type { Provider, Type } from '@nestjs/common';
import { CommerceController, CommerceSessionController, CommerceViewerController } from './commerce.controller.js';
import { CommerceRepository } from './commerce.repository.js';
import { CommerceService } from './commerce.service.js';
import { CommerceViewerService } from './commerce-viewer.service.js';

export const commerceControllers: Type[] = [CommerceController, CommerceViewerController, CommerceSessionController];

/** Sponsor and commerce moments: the producer's REST, viewers' claims and counts. */
export const commerceProviders: Provider[] = [CommerceRepository, CommerceService, CommerceViewerService];
