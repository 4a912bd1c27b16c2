/** s3rver checks the access key id: clients must use these credentials. */
export declare const S3RVER_CREDENTIALS: Readonly<{ accessKeyId: 'S3RVER'; secretAccessKey: 'S3RVER' }>;

/** Browser-friendly CORS rules applied to the bucket (GET/HEAD from any origin). */
export declare const PERMISSIVE_CORS_XML: string;

export interface StartS3rverOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Folder where s3rver keeps buckets and objects. */
  directory: string;
  /** Created at start if missing; must be a valid DNS name (e.g. `onda-media`). */
  bucket: string;
  /** Suppress request logging (default true). */
  silent?: boolean;
}

export interface RunningS3rver {
  /** e.g. `http://127.0.0.1:40123`; use with `forcePathStyle: true`. */
  endpoint: string;
  port: number;
  bucket: string;
  close(): Promise<void>;
}

/** True when DES is usable (needed by s3rver's ListObjectsV2 continuation tokens). */
export declare function legacyCiphersAvailable(): boolean;

/** Runs s3rver inside this process; pagination needs the process started with --openssl-legacy-provider. */
export declare function startS3rverInProcess(options: StartS3rverOptions): Promise<RunningS3rver>;

/** Starts s3rver in a child process on 127.0.0.1 (port 0 = any free port) with `bucket` created and permissive GET CORS. */
export declare function startS3rver(options: StartS3rverOptions): Promise<RunningS3rver>;
