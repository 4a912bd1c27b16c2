import { describe, expect, it } from 'vitest';
import { ConfigError, loadApiConfig, loadIngestConfig, loadWorkerConfig, requireApiSecrets } from './index.js';

describe('loadApiConfig', () => {
  it('gives embedded defaults for an empty environment', () => {
    const sut = loadApiConfig({});
    expect(sut).toMatchObject({ port: 8080, dataDir: './data', publicUrl: 'http://localhost:8080', rtmpPublicUrl: 'rtmp://localhost:1935/live' });
    expect(sut.databaseUrl).toBeUndefined();
    expect(sut.s3).toBeUndefined();
    expect(Object.isFrozen(sut)).toBe(true);
  });

  it('gives a SIGTERMed worker 90 s to finish or hand over its jobs unless WORKER_DRAIN_SECONDS says otherwise', () => {
    expect(loadWorkerConfig({}).drainSeconds).toBe(90);
    expect(loadWorkerConfig({ WORKER_DRAIN_SECONDS: '0' }).drainSeconds).toBe(0);
    expect(() => loadWorkerConfig({ WORKER_DRAIN_SECONDS: '-1' })).toThrow(/WORKER_DRAIN_SECONDS/);
  });

  it('drains on SIGTERM only when API_DRAIN_SECONDS / INGEST_DRAIN_SECONDS say so', () => {
    expect(loadApiConfig({}).drainSeconds).toBe(0);
    expect(loadApiConfig({ API_DRAIN_SECONDS: '5' }).drainSeconds).toBe(5);
    expect(loadIngestConfig({}).drainSeconds).toBe(0);
    expect(loadIngestConfig({ INGEST_DRAIN_SECONDS: '60' }).drainSeconds).toBe(60);
    expect(() => loadIngestConfig({ INGEST_DRAIN_SECONDS: '-1' })).toThrow(/INGEST_DRAIN_SECONDS/);
    expect(() => loadApiConfig({ API_DRAIN_SECONDS: 'soon' })).toThrow(/API_DRAIN_SECONDS/);
  });

  it('refuses private webhook targets unless WEBHOOKS_ALLOW_PRIVATE is set', () => {
    expect(loadApiConfig({}).webhooksAllowPrivate).toBe(false);
    expect(loadApiConfig({ WEBHOOKS_ALLOW_PRIVATE: 'true' }).webhooksAllowPrivate).toBe(true);
    // One opt-in for every outbound call; the older webhook-only name still works.
    expect(loadApiConfig({}).outboundAllowPrivate).toBe(false);
    expect(loadApiConfig({ WEBHOOKS_ALLOW_PRIVATE: 'true' }).outboundAllowPrivate).toBe(true);
    expect(loadApiConfig({ OUTBOUND_ALLOW_PRIVATE: 'true' })).toMatchObject({ outboundAllowPrivate: true, webhooksAllowPrivate: true });
  });

  it('translates chat only when TRANSLATE_PROVIDER names a provider, with what that provider needs', () => {
    expect(loadApiConfig({}).translation).toBeUndefined();
    expect(loadApiConfig({ TRANSLATE_PROVIDER: 'off' }).translation).toBeUndefined();
    expect(loadApiConfig({ TRANSLATE_PROVIDER: 'LibreTranslate', TRANSLATE_URL: 'http://translate.internal:5000/translate' }).translation).toEqual({
      provider: 'libretranslate',
      url: 'http://translate.internal:5000/translate',
      budgetCharsPerHour: 100_000,
      requestsPerMinute: 60,
      timeoutMs: 3000,
    });
    const deepl = loadApiConfig({ TRANSLATE_PROVIDER: 'deepl', TRANSLATE_API_KEY: 'k:fx', TRANSLATE_BUDGET_CHARS_PER_HOUR: '5000', TRANSLATE_REQUESTS_PER_MINUTE: '10', TRANSLATE_TIMEOUT_MS: '800' });
    expect(deepl.translation).toEqual({ provider: 'deepl', apiKey: 'k:fx', budgetCharsPerHour: 5000, requestsPerMinute: 10, timeoutMs: 800 });
    // Every problem at once: LibreTranslate without its URL, keys missing or malformed, an unknown provider.
    expect(() => loadApiConfig({ TRANSLATE_PROVIDER: 'libretranslate' })).toThrow(/TRANSLATE_URL: required/);
    expect(() => loadApiConfig({ TRANSLATE_PROVIDER: 'google' })).toThrow(/TRANSLATE_API_KEY: required/);
    expect(() => loadApiConfig({ TRANSLATE_PROVIDER: 'papago', TRANSLATE_API_KEY: 'only-an-id' })).toThrow(/client id/);
    expect(() => loadApiConfig({ TRANSLATE_PROVIDER: 'bing' })).toThrow(/TRANSLATE_PROVIDER/);
    expect(() => loadApiConfig({ TRANSLATE_PROVIDER: 'deepl', TRANSLATE_API_KEY: 'k', TRANSLATE_TIMEOUT_MS: '5' })).toThrow(/TRANSLATE_TIMEOUT_MS/);
  });

  it('mails links only with SMTP_URL and SMTP_FROM together (off by default)', () => {
    expect(loadApiConfig({}).smtp).toBeUndefined();
    expect(loadApiConfig({ SMTP_URL: 'smtp://user:p%40ss@mail.example.com:587', SMTP_FROM: 'Onda <onda@example.com>' }).smtp).toEqual({ url: 'smtp://user:p%40ss@mail.example.com:587', from: 'Onda <onda@example.com>' });
    expect(loadApiConfig({ SMTP_URL: 'smtps://127.0.0.1:465/?tls.rejectUnauthorized=false', SMTP_FROM: 'onda@example.com' }).smtp?.url).toMatch(/^smtps:/);
    expect(() => loadApiConfig({ SMTP_URL: 'smtp://mail.example.com' })).toThrow(/SMTP_FROM/);
    expect(() => loadApiConfig({ SMTP_URL: 'http://mail.example.com', SMTP_FROM: 'a@b.c' })).toThrow(/SMTP_URL/);
  });

  it('limits VOD uploads to 20 GiB unless UPLOAD_MAX_BYTES says otherwise', () => {
    expect(loadApiConfig({}).uploadMaxBytes).toBe(21_474_836_480);
    expect(loadApiConfig({ UPLOAD_MAX_BYTES: '1048576' }).uploadMaxBytes).toBe(1_048_576);
    expect(() => loadApiConfig({ UPLOAD_MAX_BYTES: '-1' })).toThrow(/UPLOAD_MAX_BYTES/);
    expect(() => loadApiConfig({ UPLOAD_MAX_BYTES: '20GB' })).toThrow(/UPLOAD_MAX_BYTES/);
  });

  it('allows 50 chat connections per IP unless CHAT_MAX_CONNECTIONS_PER_IP says otherwise', () => {
    expect(loadApiConfig({}).chatMaxConnectionsPerIp).toBe(50);
    expect(loadApiConfig({ CHAT_MAX_CONNECTIONS_PER_IP: '20000' }).chatMaxConnectionsPerIp).toBe(20_000);
    expect(() => loadApiConfig({ CHAT_MAX_CONNECTIONS_PER_IP: '0' })).toThrow(/CHAT_MAX_CONNECTIONS_PER_IP/);
  });

  it('keeps raw beacons 7 days and takes 3000 beacons per address a minute unless told otherwise', () => {
    expect(loadApiConfig({})).toMatchObject({ statsRawRetentionDays: 7, statsBeaconsPerIpPerMinute: 3000 });
    expect(loadApiConfig({}).statsCountryHeader).toBeUndefined();
    expect(loadApiConfig({ STATS_RAW_RETENTION_DAYS: '30', STATS_BEACONS_PER_IP_PER_MINUTE: '600', STATS_COUNTRY_HEADER: 'cf-ipcountry' })).toMatchObject({
      statsRawRetentionDays: 30, statsBeaconsPerIpPerMinute: 600, statsCountryHeader: 'cf-ipcountry',
    });
    expect(() => loadApiConfig({ STATS_RAW_RETENTION_DAYS: '0' })).toThrow(/STATS_RAW_RETENTION_DAYS/);
    expect(() => loadApiConfig({ STATS_COUNTRY_HEADER: 'not a header' })).toThrow(/STATS_COUNTRY_HEADER/);
  });

  it('lets an account make 10 clips per 10 minutes unless CLIPS_PER_WINDOW / CLIPS_WINDOW_SECONDS say otherwise', () => {
    expect(loadApiConfig({}).clipRateLimit).toEqual({ limit: 10, windowMs: 600_000 });
    expect(loadApiConfig({ CLIPS_PER_WINDOW: '3', CLIPS_WINDOW_SECONDS: '60' }).clipRateLimit).toEqual({ limit: 3, windowMs: 60_000 });
    expect(loadApiConfig({ CLIPS_PER_WINDOW: '' }).clipRateLimit.limit).toBe(10);
    expect(() => loadApiConfig({ CLIPS_PER_WINDOW: '0' })).toThrow(/CLIPS_PER_WINDOW/);
    expect(() => loadApiConfig({ CLIPS_WINDOW_SECONDS: 'often' })).toThrow(/CLIPS_WINDOW_SECONDS/);
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

  it('derives the public URL from API_PORT unless PUBLIC_URL is set', () => {
    expect(loadApiConfig({ API_PORT: '8090' }).publicUrl).toBe('http://localhost:8090');
    expect(loadApiConfig({ API_PORT: '8090', PUBLIC_URL: 'https://onda.example.com/' }).publicUrl).toBe('https://onda.example.com');
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
  it('reads the live capacity in cores, unset by default (the worker then takes 85% of the machine)', () => {
    expect(loadWorkerConfig({ WORKER_LIVE_CAPACITY: '1.5' }).liveCapacityCores).toBe(1.5);
    expect(loadWorkerConfig({ WORKER_LIVE_CAPACITY: '' }).liveCapacityCores).toBeUndefined();
    expect(() => loadWorkerConfig({ WORKER_LIVE_CAPACITY: '-1' })).toThrow(/WORKER_LIVE_CAPACITY/);
  });

  it('takes FFPROBE_PATH, else the ffprobe beside FFMPEG_PATH, else ffprobe on PATH', () => {
    expect(loadWorkerConfig({}).ffprobePath).toBe('ffprobe');
    expect(loadWorkerConfig({ FFMPEG_PATH: 'ffmpeg5' }).ffprobePath).toBe('ffprobe');
    expect(loadWorkerConfig({ FFMPEG_PATH: '/opt/ffmpeg/bin/ffmpeg' }).ffprobePath).toBe('/opt/ffmpeg/bin/ffprobe');
    expect(loadWorkerConfig({ FFMPEG_PATH: 'C:\\ffmpeg\\bin\\ffmpeg.exe' }).ffprobePath).toBe('C:\\ffmpeg\\bin\\ffprobe.exe');
    expect(loadWorkerConfig({ FFMPEG_PATH: '/opt/ffmpeg/bin/ffmpeg', FFPROBE_PATH: '/usr/local/bin/ffprobe' }).ffprobePath).toBe('/usr/local/bin/ffprobe');
  });

  it('reads the live playlist window, 5 minutes by default', () => {
    expect(loadWorkerConfig({}).liveWindowSeconds).toBe(300);
    expect(loadWorkerConfig({ LIVE_WINDOW_SECONDS: '60' }).liveWindowSeconds).toBe(60);
    expect(() => loadWorkerConfig({ LIVE_WINDOW_SECONDS: '2' })).toThrow(/LIVE_WINDOW_SECONDS/);
    expect(loadWorkerConfig({}).liveThumbnailSeconds).toBe(30);
    expect(loadWorkerConfig({ LIVE_THUMBNAIL_SECONDS: '0' }).liveThumbnailSeconds).toBe(0);
    expect(() => loadWorkerConfig({ LIVE_THUMBNAIL_SECONDS: '-1' })).toThrow(/LIVE_THUMBNAIL_SECONDS/);
  });

  it('reads how long a shed broadcast keeps real time before stepping up, 60 s by default', () => {
    expect(loadWorkerConfig({}).liveStepUpSeconds).toBe(60);
    expect(loadWorkerConfig({ LIVE_OVERLOAD_STEP_UP_SECONDS: '15' }).liveStepUpSeconds).toBe(15);
    expect(() => loadWorkerConfig({ LIVE_OVERLOAD_STEP_UP_SECONDS: '1' })).toThrow(/LIVE_OVERLOAD_STEP_UP_SECONDS/);
  });

  it('derives the scratch folder from DATA_DIR', () => {
    expect(loadWorkerConfig({ DATA_DIR: '/var/onda/' }).scratchDir).toBe('/var/onda/scratch');
  });

  it('reads how fast a dead worker\'s jobs go to another worker, leaving the driver defaults when unset', () => {
    expect(loadWorkerConfig({ QUEUE_LOCK_DURATION_MS: '5000', QUEUE_STALLED_INTERVAL_MS: '1000' })).toMatchObject({ queueLockDurationMs: 5000, queueStalledIntervalMs: 1000 });
    expect(loadWorkerConfig({}).queueLockDurationMs).toBeUndefined();
    expect(() => loadWorkerConfig({ QUEUE_LOCK_DURATION_MS: '10' })).toThrow(/QUEUE_LOCK_DURATION_MS/);
  });
});

describe('metrics settings', () => {
  it('give the ingest and the worker their own metrics port, on the role\'s host, or none with off', () => {
    expect(loadIngestConfig({}).metrics).toEqual({ host: '0.0.0.0', port: 9465 });
    expect(loadIngestConfig({ RTMP_BIND: '10.0.0.5' }).metrics.host).toBe('10.0.0.5');
    expect(loadIngestConfig({ METRICS_HOST: '127.0.0.1', METRICS_PORT: '0' }).metrics).toEqual({ host: '127.0.0.1', port: 0 });
    expect(loadWorkerConfig({}).metrics).toEqual({ host: '0.0.0.0', port: 9466 });
    expect(loadWorkerConfig({ METRICS_PORT: 'off' }).metrics.port).toBeNull();
    expect(() => loadWorkerConfig({ METRICS_PORT: 'ninety' })).toThrow(/METRICS_PORT/);
  });

  it('read METRICS_TOKEN for every role', () => {
    const env = { METRICS_TOKEN: 'a-scrape-token-0123' };
    expect(loadApiConfig(env).metricsToken).toBe('a-scrape-token-0123');
    expect(loadIngestConfig(env).metrics.token).toBe('a-scrape-token-0123');
    expect(loadWorkerConfig(env).metrics.token).toBe('a-scrape-token-0123');
    expect(loadApiConfig({}).metricsToken).toBeUndefined();
    expect(() => loadApiConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
  });

  it('names every missing scale-out secret of the API at once (finding 16)', () => {
    expect(() => requireApiSecrets({ databaseUrl: 'postgresql://db/onda' }, true)).toThrow(/ONDA_INTERNAL_TOKEN.*; ONDA_SECRET/);
    // A lone standalone API on its embedded database has no sibling to disagree with.
    expect(requireApiSecrets({ internalToken: 'i'.repeat(24) }, true)).toEqual({ internalToken: 'i'.repeat(24) });
    expect(() => requireApiSecrets({ internalToken: 'x'.repeat(24), redisUrl: 'redis://r' }, false)).toThrow(/ONDA_SECRET/);
    expect(requireApiSecrets({ internalToken: 'i'.repeat(24), secret: 's'.repeat(32) }, true)).toEqual({ internalToken: 'i'.repeat(24), secret: 's'.repeat(32) });
    // Embedded mode (everything in one process, no Redis) may generate its secret.
    expect(requireApiSecrets({}, false)).toEqual({});
  });
});
