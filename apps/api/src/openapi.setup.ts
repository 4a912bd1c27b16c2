import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

/** Builds the OpenAPI document from the controllers' decorators. */
export function buildOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Onda API')
    .setDescription('Channels, stream keys and live sessions of an Onda server. Errors are application/problem+json.')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API token (onda_...)' })
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Serves the spec at /v1/openapi.json and a docs page at /v1/docs. */
export function setupOpenApi(app: INestApplication): void {
  const document = buildOpenApi(app);
  SwaggerModule.setup('v1/docs', app, document, { jsonDocumentUrl: 'v1/openapi.json', raw: ['json'] });
}
