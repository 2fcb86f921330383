/**
 * A child process that plays the customer app's Electron main process for the tests: it owns
 * the real robotjs injector, bound to the test's X display, and injects what the renderer
 * bridge sends it. Keeping robotjs out of the test runner lets the runner close the X server
 * without Xlib killing it.
 */
import { z } from 'zod';
import { InjectInputRequest } from '@beacon/shared/ipc';
import { parseUnknown } from '@beacon/shared/parse';
import { Injector } from '../../customer-portable/src/node/Injector.ts';

const Request = z.object({ id: z.number().int(), req: InjectInputRequest });
const injector = new Injector();

process.on('message', (raw: unknown) => {
  const r = parseUnknown(Request, raw, 'injector host');
  if (!r.ok) {
    process.send?.({ id: -1, error: r.error.message });
    return;
  }
  try {
    const timing = injector.inject(r.value.req);
    process.send?.({ id: r.value.id, injectedAt: timing.injectedAt });
  } catch (err) {
    process.send?.({ id: r.value.id, error: err instanceof Error ? err.message : String(err) });
  }
});
process.on('disconnect', () => process.exit(0));
process.send?.({ id: 0, ready: true });
