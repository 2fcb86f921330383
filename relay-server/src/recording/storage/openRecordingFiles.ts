/**
 * The store for finished recordings: the bucket when one is configured, loaded only then (the
 * AWS SDK takes over a second to import), otherwise undefined (the recorder's own folder).
 */
import type { Logger } from '../../platform/logger.ts';
import type { RecordingFiles } from './RecordingFiles.ts';
import type { S3Settings } from './s3Settings.ts';

export async function openRecordingFiles(s3: S3Settings | undefined, log: Logger): Promise<RecordingFiles | undefined> {
  if (!s3) return undefined;
  const { S3RecordingFiles } = await import('./S3RecordingFiles.ts');
  log.info('recordings kept in a bucket', { bucket: s3.bucket, prefix: s3.prefix, endpoint: s3.endpoint ?? 'Amazon S3' });
  return new S3RecordingFiles(s3, log);
}
