/** The quality mode new sessions start in: the last one the agent picked in this browser. */
import { DEFAULT_QUALITY_MODE, QualityMode } from '@beacon/shared/protocol';

const QUALITY_MODE_KEY = 'beacon.agent.qualityMode';

export function loadQualityMode(storage: Storage | null): QualityMode {
  try {
    const r = QualityMode.safeParse(storage?.getItem(QUALITY_MODE_KEY));
    return r.success ? r.data : DEFAULT_QUALITY_MODE;
  } catch {
    return DEFAULT_QUALITY_MODE; // storage refused (private mode, policy)
  }
}

export function saveQualityMode(storage: Storage | null, mode: QualityMode): void {
  try {
    storage?.setItem(QUALITY_MODE_KEY, mode);
  } catch {
    /* not remembered; this session still changes */
  }
}
