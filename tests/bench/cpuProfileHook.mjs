// Preloaded into a process through NODE_OPTIONS=--import (which refuses --cpu-prof itself):
// profiles the whole process with V8's sampling profiler and writes
// $BEACON_CPU_PROFILE_DIR/<pid>.cpuprofile when it exits, however it exits.
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.BEACON_CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  let isWritten = false;
  process.on('exit', () => {
    if (isWritten) return;
    isWritten = true;
    // The in-process inspector answers synchronously, so this completes inside 'exit'.
    session.post('Profiler.stop', (err, result) => {
      if (!err) writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
