/**
 * The X server's CLIPBOARD selection through xclip, as the customer app's main process uses
 * the OS clipboard (Electron's `clipboard` module), for the test bridge.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { clipboardReadResult } from '../../customer-portable/src/common/clipboard.ts';
import type { ClipboardReadResult } from '@beacon/shared/ipc';

const run = promisify(execFile);

export class XClipboard {
  constructor(private readonly display: string) {}

  /** The clipboard's text ('' when nobody owns the clipboard or it holds no text). */
  async readText(): Promise<string> {
    try {
      const { stdout } = await run('xclip', ['-selection', 'clipboard', '-o'], { env: { ...process.env, DISPLAY: this.display }, timeout: 5000 });
      return stdout;
    } catch {
      return '';
    }
  }

  async read(): Promise<ClipboardReadResult> {
    return clipboardReadResult(await this.readText());
  }

  /** Owns the clipboard with `text` (xclip stays in the background serving it until another owner takes over). */
  async write(text: string): Promise<void> {
    const child = spawn('xclip', ['-selection', 'clipboard', '-i'], { env: { ...process.env, DISPLAY: this.display }, stdio: ['pipe', 'ignore', 'ignore'] });
    const exited = new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`xclip exited with ${code}`))));
    });
    child.stdin.end(text);
    await exited;
  }
}
