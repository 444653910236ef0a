/**
 * `s3://bucket/key` store on @aws-sdk/client-s3, for AWS or any S3-compatible endpoint.
 * Credentials come from the standard AWS chain (env, profile, instance role), never from
 * flags. The SDK's own retries are switched off so that one policy applies: retriable
 * failures (network, 5xx, throttling) are retried with backoff, then surface as
 * THREATLAB_STORE_UNAVAILABLE; a missing key is THREATLAB_NOT_FOUND at once.
 * The SDK is imported on first use: it is large, and most commands never touch S3.
 */
import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { ThreatlabError } from '../errors/index.js';
import { withRetry } from '../errors/retry.js';
import type { ArtifactStore } from './types.js';
import { asPrefix, assertPlainKey, schemeOf, splitUri } from './uri.js';

/** User metadata key (x-amz-meta-sha256) holding the hex SHA-256 of the object as put. */
export const SHA256_METADATA = 'sha256';

export interface S3StoreOptions {
  /** Custom endpoint (MinIO, moto…); empty = AWS. */
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  /** Attempts per operation, the first included. */
  attempts?: number;
  baseDelayMs?: number;
  /** Objects at least this large go up as a multipart upload. */
  multipartThresholdBytes?: number;
  partSizeBytes?: number;
  /** A ready client (tests, custom credentials); otherwise one is built from the options. */
  client?: S3Client;
}

const RETRIABLE_NAMES = new Set([
  'SlowDown', 'Throttling', 'ThrottlingException', 'RequestTimeout', 'RequestTimeoutException', 'InternalError',
  'ServiceUnavailable', 'TimeoutError', 'RequestThrottled', 'TooManyRequestsException',
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET']);

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** Classifies an SDK error: which ones can a retry fix? */
export function isRetriableS3Error(err: unknown): boolean {
  const e = (err ?? {}) as AwsLikeError;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  if (e.name && RETRIABLE_NAMES.has(e.name)) return true;
  if (e.code && NETWORK_CODES.has(e.code)) return true;
  const cause = (err as { cause?: unknown } | null)?.cause;
  return cause !== undefined && cause !== err && isRetriableS3Error(cause);
}

function isNotFound(err: unknown): boolean {
  const e = (err ?? {}) as AwsLikeError;
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}

export class S3ArtifactStore implements ArtifactStore {
  readonly schemes = ['s3'] as const;
  private client: S3Client | undefined;
  private sdk: typeof import('@aws-sdk/client-s3') | undefined;

  constructor(private readonly options: S3StoreOptions) {
    this.client = options.client;
  }

  private async connect(): Promise<{ client: S3Client; sdk: typeof import('@aws-sdk/client-s3') }> {
    // The SDK warns on stderr, once per process, that releases after January 2027 need
    // Node 22. Nothing a threatlab user can act on mid-command, and it would turn every
    // one-line CLI error into ten lines; an explicit setting by the user still wins.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    this.sdk ??= await import('@aws-sdk/client-s3');
    this.client ??= new this.sdk.S3Client({
      region: this.options.region,
      endpoint: this.options.endpoint || undefined,
      forcePathStyle: this.options.forcePathStyle,
      maxAttempts: 1,
      // We verify our own sha256 metadata instead: S3-compatible servers disagree on the
      // composite checksums of multipart objects, and a false mismatch would block a load.
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
    });
    return { client: this.client, sdk: this.sdk };
  }

  private locate(uri: string, { allowPrefix = false } = {}): { bucket: string; key: string } {
    if (schemeOf(uri) !== 's3') throw new ThreatlabError('THREATLAB_UNKNOWN_SCHEME', `S3 store cannot serve ${uri}`);
    const { host: bucket, key } = splitUri(uri);
    if (!bucket) throw new ThreatlabError('THREATLAB_INPUT', `S3 URI names no bucket: ${uri}`);
    assertPlainKey(uri, key);
    if (!allowPrefix && (!key || key.endsWith('/'))) throw new ThreatlabError('THREATLAB_INPUT', `S3 URI names no object: ${uri}`);
    return { bucket, key };
  }

  /** Runs one S3 call with our retry policy and turns SDK errors into ours. */
  private async call<T>(action: string, uri: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await withRetry(fn, {
        attempts: this.options.attempts ?? 4,
        baseDelayMs: this.options.baseDelayMs ?? 200,
        retriable: isRetriableS3Error,
      });
    } catch (err) {
      if (err instanceof ThreatlabError) throw err;
      const e = err as AwsLikeError;
      if (e.name === 'NoSuchBucket') throw new ThreatlabError('THREATLAB_NOT_FOUND', `no artifact at ${uri}: bucket ${splitUri(uri).host} does not exist`, { cause: err });
      if (isNotFound(err)) throw new ThreatlabError('THREATLAB_NOT_FOUND', `no artifact at ${uri}`, { cause: err });
      const reason = e.name && e.name !== 'Error' ? `${e.name}: ${e.message ?? ''}` : (e.message ?? String(err));
      if (e.name === 'BadDigest' || e.name === 'InvalidDigest' || /checksum/i.test(reason)) {
        throw new ThreatlabError('THREATLAB_CHECKSUM', `checksum mismatch on ${action} ${uri}: ${reason}`, { cause: err });
      }
      const retriable = isRetriableS3Error(err);
      const where = this.options.endpoint ? ` at ${this.options.endpoint}` : '';
      if (e.name === 'CredentialsProviderError') {
        throw new ThreatlabError('THREATLAB_CONFIG', `cannot ${action} ${uri}: no AWS credentials (set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or run where an instance role applies)`, { cause: err });
      }
      const status = e.$metadata?.httpStatusCode;
      if (status === 401 || status === 403 || e.name === 'AccessDenied' || e.name === 'InvalidAccessKeyId' || e.name === 'SignatureDoesNotMatch') {
        throw new ThreatlabError('THREATLAB_UNAUTHORIZED', `cannot ${action} ${uri}${where}: ${reason.trim()}`, { cause: err });
      }
      throw new ThreatlabError(retriable ? 'THREATLAB_STORE_UNAVAILABLE' : 'THREATLAB_INPUT', `cannot ${action} ${uri}${where}: ${reason.trim() || 'unknown S3 error'}`, { cause: err, retriable });
    }
  }

  async put(uri: string, data: Uint8Array): Promise<void> {
    const { bucket, key } = this.locate(uri);
    const { client, sdk } = await this.connect();
    const threshold = this.options.multipartThresholdBytes ?? 16 * 1024 * 1024;
    const digest = createHash('sha256').update(data).digest();
    // Kept with the object so that get() can prove the bytes are the ones that were put.
    const Metadata = { [SHA256_METADATA]: digest.toString('hex') };
    if (data.byteLength < threshold) {
      // The server recomputes the SHA-256 and refuses the object if a byte changed on the way.
      await this.call('upload', uri, () => client.send(new sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: data, ChecksumSHA256: digest.toString('base64'), Metadata })));
      return;
    }
    const { Upload } = await import('@aws-sdk/lib-storage');
    await this.call('upload', uri, () => new Upload({
      client,
      params: { Bucket: bucket, Key: key, Body: data, ChecksumAlgorithm: 'SHA256', Metadata },
      partSize: Math.max(5 * 1024 * 1024, this.options.partSizeBytes ?? 8 * 1024 * 1024),
      queueSize: 2,
      leavePartsOnError: false,
    }).done());
  }

  async get(uri: string): Promise<Uint8Array> {
    const { bucket, key } = this.locate(uri);
    const { client, sdk } = await this.connect();
    const { data, expected } = await this.call('download', uri, async () => {
      const res = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!res.Body) throw new ThreatlabError('THREATLAB_STORE_UNAVAILABLE', `empty response body for ${uri}`, { retriable: true });
      return { data: await res.Body.transformToByteArray(), expected: res.Metadata?.[SHA256_METADATA] };
    });
    // Objects written by other tools carry no digest; bundles are verified by their manifest anyway.
    if (expected) {
      const actual = createHash('sha256').update(data).digest('hex');
      if (actual !== expected) {
        throw new ThreatlabError('THREATLAB_CHECKSUM', `checksum mismatch on download ${uri}: sha256 ${actual}, stored ${expected}`, { details: { uri, actual, expected } });
      }
    }
    return data;
  }

  async exists(uri: string): Promise<boolean> {
    const { bucket, key } = this.locate(uri);
    const { client, sdk } = await this.connect();
    try {
      await this.call('check', uri, () => client.send(new sdk.HeadObjectCommand({ Bucket: bucket, Key: key })));
      return true;
    } catch (err) {
      if (err instanceof ThreatlabError && err.code === 'THREATLAB_NOT_FOUND') return false;
      throw err;
    }
  }

  async list(prefixUri: string): Promise<string[]> {
    const prefixed = asPrefix(prefixUri);
    const { bucket, key: prefix } = this.locate(prefixed, { allowPrefix: true });
    const { client, sdk } = await this.connect();
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.call('list', prefixed, () => client.send(new sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token })));
      for (const object of page.Contents ?? []) if (object.Key) out.push(`s3://${bucket}/${object.Key}`);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out.sort();
  }

  async delete(uri: string): Promise<void> {
    const { bucket, key } = this.locate(uri);
    const { client, sdk } = await this.connect();
    await this.call('delete', uri, () => client.send(new sdk.DeleteObjectCommand({ Bucket: bucket, Key: key })));
  }
}
