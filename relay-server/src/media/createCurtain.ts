/** Privacy curtain (capability `privacy-curtain`): the customer's monitors hidden from the customer, each time consented. */
import { consentedDeps, type ConsentedFeatureWiring } from './ConsentedFeature.ts';
import { PrivacyCurtain, type CurtainAuditAction } from './PrivacyCurtain.ts';

export function createCurtain(d: ConsentedFeatureWiring<CurtainAuditAction>): PrivacyCurtain {
  return new PrivacyCurtain(consentedDeps(d));
}
