import { describe, expect, it } from 'vitest';
import { ConfigError, loadApiConfig, loadWorkerConfig } from './index.js';

describe('loadApiConfig', () => {
  it('gives embedded defaults for an empty environment', () => {
    const sut = loadApiConfig({});
    expect(sut).toMatchObject({ port: 8080, dataDir: './data', publicUrl: 'http://localhost:8080', rtmpPublicUrl: 'rtmp://localhost:1935/live' });
    expect(sut.databaseUrl).toBeUndefined();
    expect(sut.s3).toBeUndefined();
    expect(Object.isFrozen(sut)).toBe(true);
  });

  it('refuses private webhook targets unless WEBHOOKS_ALLOW_PRIVATE is set', () => {
    expect(loadApiConfig({}).webhooksAllowPrivate).toBe(false);
    expect(loadApiConfig({ WEBHOOKS_ALLOW_PRIVATE: 'true' }).webhooksAllowPrivate).toBe(true);
  });

  it('lists every invalid variable at once', () => {
    const attempt = () => loadApiConfig({ API_PORT: 'abc', DATABASE_URL: 'not a url', S3_BUCKET: 'b', ONDA_SECRET: 'short' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (e) {
      const issues = (e as ConfigError).issues.join('\n');
      expect(issues).toMatch(/API_PORT/);
      expect(issues).toMatch(/DATABASE_URL/);
      expect(issues).toMatch(/ONDA_SECRET/);
      expect(issues).toMatch(/S3_ACCESS_KEY_ID/);
    }
  });

  it('derives the OBS server URL from RTMP_PORT unless RTMP_PUBLIC_URL is set', () => {
    expect(loadApiConfig({ RTMP_PORT: '11935' }).rtmpPublicUrl).toBe('rtmp://localhost:11935/live');
    expect(loadApiConfig({ RTMP_PORT: '11935', RTMP_PUBLIC_URL: 'rtmp://live.example.com/live/' }).rtmpPublicUrl).toBe('rtmp://live.example.com/live');
  });

  it('builds an S3 config when a bucket is set', () => {
    const sut = loadApiConfig({ S3_BUCKET: 'onda-media', S3_ENDPOINT: 'http://127.0.0.1:9000', S3_ACCESS_KEY_ID: 'a', S3_SECRET_ACCESS_KEY: 'b', S3_FORCE_PATH_STYLE: 'false' });
    expect(sut.s3).toEqual({ endpoint: 'http://127.0.0.1:9000', region: 'us-east-1', bucket: 'onda-media', accessKeyId: 'a', secretAccessKey: 'b', forcePathStyle: false });
  });
});

describe('loadWorkerConfig', () => {
  it('derives the scratch folder from DATA_DIR', () => {
    expect(loadWorkerConfig({ DATA_DIR: '/var/onda/' }).scratchDir).toBe('/var/onda/scratch');
  });
});
