export type { ObjectInfo, ObjectStorage, PresignGetOptions, PresignPutOptions, PutOptions, StoredObject } from './storage.js';
export { InvalidKeyError, assertValidKey, assertValidPrefix, attachmentDisposition, contentTypeForKey } from './keys.js';
export { LocalDiskStorage } from './local-disk.storage.js';
export { S3Storage, type S3StorageConfig } from './s3.storage.js';
export { createStorage, type StorageConfig } from './create-storage.js';
