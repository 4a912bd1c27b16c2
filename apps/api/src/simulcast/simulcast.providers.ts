import type { Provider, Type } from '@nestjs/common';
import { DestinationsController, DestinationsInternalController } from './destinations.controller.js';
import { DestinationsRepository } from './destinations.repository.js';
import { DestinationsService } from './destinations.service.js';

export const simulcastControllers: Type[] = [DestinationsController, DestinationsInternalController];

/** Simulcast destinations of channels and the worker's reports of their pushes. */
export const simulcastProviders: Provider[] = [DestinationsRepository, DestinationsService];
