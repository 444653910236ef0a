/**
 * Proof that the S3 server is real: @aws-sdk/client-s3 puts (a 10 MiB object as a
 * multipart upload, and a small one), heads, lists, gets and deletes, and every read
 * returns exactly what was written.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { before, test } from 'node:test';
import {
  DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { STACK_BUCKET, requireStack, stackS3Client, uniqueName } from '../support/stack.js';

const MIB = 1024 * 1024;
let s3: S3Client;

before(async () => {
  s3 = stackS3Client(await requireStack(['s3']));
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function getBytes(key: string): Promise<Uint8Array> {
  const object = await s3.send(new GetObjectCommand({ Bucket: STACK_BUCKET, Key: key }));
  return object.Body!.transformToByteArray();
}

async function listKeys(prefix: string): Promise<Map<string, number>> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: STACK_BUCKET, Prefix: prefix }));
  return new Map((listed.Contents ?? []).map((o) => [o.Key!, o.Size!]));
}

test('a 10 MiB multipart object and a small one: put, head, list, get, delete', async () => {
  const prefix = `${uniqueName('it-s3')}/`;
  const bigKey = `${prefix}weights.bin`;
  const smallKey = `${prefix}manifest.json`;
  const big = randomBytes(10 * MIB);
  const small = Buffer.from(JSON.stringify({ model: 'threatlab', version: 1 }));

  // 5 MiB parts (S3's minimum) make the 10 MiB body a two-part multipart upload.
  const upload = new Upload({ client: s3, params: { Bucket: STACK_BUCKET, Key: bigKey, Body: big }, partSize: 5 * MIB, queueSize: 2 });
  const uploaded = await upload.done();
  assert.match(uploaded.ETag ?? '', /-2"?$/, 'a multipart ETag ends with the part count');
  await s3.send(new PutObjectCommand({
    Bucket: STACK_BUCKET, Key: smallKey, Body: small, ContentType: 'application/json', Metadata: { sha256: sha256(small) },
  }));

  const bigHead = await s3.send(new HeadObjectCommand({ Bucket: STACK_BUCKET, Key: bigKey }));
  assert.equal(bigHead.ContentLength, 10 * MIB);
  const smallHead = await s3.send(new HeadObjectCommand({ Bucket: STACK_BUCKET, Key: smallKey }));
  assert.equal(smallHead.ContentLength, small.length);
  assert.equal(smallHead.ContentType, 'application/json');
  assert.equal(smallHead.Metadata?.sha256, sha256(small));

  assert.deepEqual(await listKeys(prefix), new Map([[bigKey, 10 * MIB], [smallKey, small.length]]));

  assert.equal(sha256(await getBytes(bigKey)), sha256(big));
  assert.deepEqual(Buffer.from(await getBytes(smallKey)), small);

  const deleted = await s3.send(new DeleteObjectsCommand({
    Bucket: STACK_BUCKET, Delete: { Objects: [{ Key: bigKey }, { Key: smallKey }] },
  }));
  assert.equal(deleted.Deleted?.length, 2);
  assert.equal((await listKeys(prefix)).size, 0);
  await assert.rejects(
    s3.send(new HeadObjectCommand({ Bucket: STACK_BUCKET, Key: smallKey })),
    (err: { $metadata?: { httpStatusCode?: number } }) => err.$metadata?.httpStatusCode === 404,
  );
});
