/**
 * The S3-compatible bucket for recordings, from the environment:
 *
 * - `BEACON_RECORDINGS_S3=s3://bucket/optional/prefix` turns it on;
 * - `BEACON_S3_ENDPOINT` (an `https://` or `http://` URL; unset: Amazon S3 itself),
 *   `BEACON_S3_REGION` (default `us-east-1`), `BEACON_S3_PATH_STYLE` (`1`: `endpoint/bucket/key`
 *   URLs; the default with an endpoint, as MinIO, Ceph and most others need; `0`: bucket as
 *   host name), `BEACON_S3_ACCESS_KEY_ID` and `BEACON_S3_SECRET_ACCESS_KEY` (unset: the AWS
 *   SDK's usual chain: `AWS_*` variables, shared config, the instance's role).
 *
 * No AWS SDK here: it takes over a second to load, so a relay without a bucket never loads it
 * (openRecordingFiles.ts imports the bucket's module only when one is configured).
 */
import { z } from 'zod';

export interface S3Settings {
  bucket: string;
  /** Put before every object key: empty or ending in `/`. */
  prefix: string;
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export const S3Env = z.object({
  BEACON_RECORDINGS_S3: z
    .string()
    .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[A-Za-z0-9!_.*'()/-]*)?$/, 'BEACON_RECORDINGS_S3 must be s3://bucket or s3://bucket/prefix')
    .optional(),
  BEACON_S3_ENDPOINT: z.string().url().optional(),
  BEACON_S3_REGION: z.string().min(1).max(64).default('us-east-1'),
  BEACON_S3_PATH_STYLE: z.enum(['0', '1']).optional(),
  BEACON_S3_ACCESS_KEY_ID: z.string().min(1).max(256).optional(),
  BEACON_S3_SECRET_ACCESS_KEY: z.string().min(1).max(256).optional(),
});
export type S3Env = z.infer<typeof S3Env>;

/** The bucket settings, or undefined when recordings stay on disk. Throws on half-given credentials. */
export function s3SettingsFromEnv(env: S3Env): S3Settings | undefined {
  if (!env.BEACON_RECORDINGS_S3) return undefined;
  const [bucket = '', ...rest] = env.BEACON_RECORDINGS_S3.slice('s3://'.length).split('/');
  const prefix = rest.filter(Boolean).join('/');
  const hasId = env.BEACON_S3_ACCESS_KEY_ID !== undefined;
  if (hasId !== (env.BEACON_S3_SECRET_ACCESS_KEY !== undefined)) throw new Error('set both BEACON_S3_ACCESS_KEY_ID and BEACON_S3_SECRET_ACCESS_KEY, or neither');
  return {
    bucket,
    prefix: prefix ? `${prefix}/` : '',
    ...(env.BEACON_S3_ENDPOINT ? { endpoint: env.BEACON_S3_ENDPOINT } : {}),
    region: env.BEACON_S3_REGION,
    forcePathStyle: env.BEACON_S3_PATH_STYLE ? env.BEACON_S3_PATH_STYLE === '1' : env.BEACON_S3_ENDPOINT !== undefined,
    ...(env.BEACON_S3_ACCESS_KEY_ID && env.BEACON_S3_SECRET_ACCESS_KEY
      ? { credentials: { accessKeyId: env.BEACON_S3_ACCESS_KEY_ID, secretAccessKey: env.BEACON_S3_SECRET_ACCESS_KEY } }
      : {}),
  };
}
