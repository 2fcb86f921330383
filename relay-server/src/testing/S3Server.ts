/// <reference path="./s3rver.d.ts" />
/**
 * A throwaway S3-compatible server for tests: s3rver (the S3 HTTP protocol, signatures checked)
 * on a free loopback port, its objects in a temporary folder removed when it stops. The relay
 * gets ordinary bucket settings (an endpoint, a region, credentials, path-style URLs), exactly
 * as it would for any S3-compatible store.
 *
 * With BEACON_TEST_RECORDINGS=s3, `startTestRelay` keeps recordings in such a bucket (one
 * server per test process, a prefix per relay), so the recording tests run on both stores.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import type { S3Client } from '@aws-sdk/client-s3';
import { s3Client } from '../recording/storage/S3RecordingFiles.ts';
import type { S3Settings } from '../recording/storage/s3Settings.ts';

// Tests run on the machine's Node; the SDK's notice about future Node versions is noise here.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

export const TEST_BUCKET = 'beacon-recordings';

export interface TestS3Server {
  readonly endpoint: string;
  /** Where it keeps the objects. */
  readonly dir: string;
  /** Settings for a relay, its keys under `prefix` (default: a fresh one). */
  settings(prefix?: string): S3Settings;
  /** A client of its own (the test's eyes on the bucket). */
  client(): S3Client;
  close(): Promise<void>;
}

export async function startS3Server(): Promise<TestS3Server> {
  const dir = mkdtempSync(path.join(tmpdir(), 'beacon-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: TEST_BUCKET, configs: [] }] });
  const { port } = await server.run();
  // The SDK keeps connections open; they must not keep a test process alive.
  server.httpServer?.unref();
  const endpoint = `http://127.0.0.1:${port}`;
  const settings = (prefix = `t${randomBytes(4).toString('hex')}/`): S3Settings => ({
    bucket: TEST_BUCKET,
    prefix,
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  return {
    endpoint,
    dir,
    settings,
    client: () => s3Client(settings('')),
    close: async () => {
      server.httpServer?.closeAllConnections();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let shared: Promise<TestS3Server> | null = null;

/** One server for the whole test process (it does not keep the process alive). */
export function sharedS3Server(): Promise<TestS3Server> {
  shared ??= startS3Server().then((s) => {
    process.once('exit', () => rmSync(s.dir, { recursive: true, force: true }));
    return s;
  });
  return shared;
}
