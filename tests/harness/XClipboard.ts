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

  /** The clipboard's PNG image (empty when it holds none). */
  async readPng(): Promise<Buffer> {
    try {
      const { stdout } = await run('xclip', ['-selection', 'clipboard', '-t', 'image/png', '-o'], { env: { ...process.env, DISPLAY: this.display }, timeout: 5000, encoding: 'buffer', maxBuffer: 128 * 1024 * 1024 });
      return stdout;
    } catch {
      return Buffer.alloc(0);
    }
  }

  /** As the Electron shell reads it: the text, else the image. */
  async read(): Promise<ClipboardReadResult> {
    const text = await this.readText();
    return clipboardReadResult(text, text ? '' : (await this.readPng()).toString('base64'));
  }

  /** Owns the clipboard with `text` (xclip stays in the background serving it until another owner takes over). */
  async write(text: string): Promise<void> {
    return this.own(['-selection', 'clipboard', '-i'], text);
  }

  /** Owns the clipboard with a PNG image (target image/png only, as an image editor's copy). */
  async writePng(png: Buffer): Promise<void> {
    return this.own(['-selection', 'clipboard', '-t', 'image/png', '-i'], png);
  }

  private async own(args: string[], data: string | Buffer): Promise<void> {
    const child = spawn('xclip', args, { env: { ...process.env, DISPLAY: this.display }, stdio: ['pipe', 'ignore', 'ignore'] });
    const exited = new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`xclip exited with ${code}`))));
    });
    child.stdin.end(data);
    await exited;
  }
}
