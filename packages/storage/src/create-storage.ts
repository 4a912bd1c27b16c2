import { LocalDiskStorage } from './local-disk.storage.js';
import { S3Storage, type S3StorageConfig } from './s3.storage.js';
import type { ObjectStorage } from './storage.js';

/** Which store to use: S3 when `s3` is set, otherwise the local folder `localDir`. */
export interface StorageConfig {
  s3?: S3StorageConfig | null;
  localDir?: string;
}

/** Creates the S3 driver when an S3 config is given, the local-disk driver otherwise. */
export function createStorage(config: StorageConfig): ObjectStorage {
  if (config.s3) return new S3Storage(config.s3);
  if (config.localDir) return new LocalDiskStorage(config.localDir);
  throw new Error('createStorage: give either an S3 config (s3) or a local folder (localDir)');
}
