/** Session recording end to end, recordings in an S3-compatible bucket (recordingSuite.ts). */
import { recordingSuite } from './recordingSuite.ts';

recordingSuite('s3');
