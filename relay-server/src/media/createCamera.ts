/** Video guidance (capability `camera`): the customer's camera instead of the screen, each switch consented. */
import { consentedDeps, type ConsentedFeatureWiring } from './ConsentedFeature.ts';
import { CameraGuide } from './CameraGuide.ts';

export type CameraDeps = ConsentedFeatureWiring<'camera-requested' | 'camera-answered'>;

export function createCamera(d: CameraDeps): CameraGuide {
  return new CameraGuide(consentedDeps(d));
}
