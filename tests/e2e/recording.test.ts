/** Session recording end to end, recordings on the relay's disk (recordingSuite.ts). */
import { recordingSuite } from './recordingSuite.ts';

recordingSuite('disk');
