/**
 * The X server's CLIPBOARD selection through xclip, as the customer app's main process uses
 * the OS clipboard (Electron's `clipboard` module), for the test bridge.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { clipboardReadResult } from '../../customer-portable/src/common/clipboard.ts';
import type { ClipboardReadResult } from '@beacon/shared/ipc';

const run = promisify(execFile);
/** What xclip's owner offers when it holds text (and what text-reading apps ask for). */
const TEXT_TARGETS = ['UTF8_STRING', 'STRING', 'TEXT', 'text/plain'];

export class XClipboard {
  constructor(private readonly display: string) {}

  /**
   * The clipboard's text ('' when nobody owns the clipboard or it holds no text). Only when its
   * owner offers text: xclip answers any target with its data, an image's bytes too.
   */
  async readText(): Promise<string> {
    try {
      const targets = await this.targets();
      if (!TEXT_TARGETS.some((t) => targets.includes(t))) return '';
      const { stdout } = await run('xclip', ['-selection', 'clipboard', '-o'], { env: { ...process.env, DISPLAY: this.display }, timeout: 5000 });
      return stdout;
    } catch {
      return '';
    }
  }

  /** The targets (formats) the clipboard's owner offers. */
  private async targets(): Promise<string[]> {
    const { stdout } = await run('xclip', ['-selection', 'clipboard', '-t', 'TARGETS', '-o'], { env: { ...process.env, DISPLAY: this.display }, timeout: 5000 });
    return stdout.split('\n').map((t) => t.trim());
  }

  /** The clipboard's PNG image (empty when it holds none; only when its owner offers one, as for text). */
  async readPng(): Promise<Buffer> {
    try {
      if (!(await this.targets()).includes('image/png')) return Buffer.alloc(0);
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
    await this.own(['-selection', 'clipboard', '-i'], text);
    await this.served(async () => (await this.readText()) === text);
  }

  /** Owns the clipboard with a PNG image (target image/png only, as an image editor's copy). */
  async writePng(png: Buffer): Promise<void> {
    await this.own(['-selection', 'clipboard', '-t', 'image/png', '-i'], png);
    await this.served(async () => (await this.readPng()).equals(png));
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

  /**
   * Waits until the clipboard serves what was just written: xclip's parent exits before its
   * background child is the X server's owner for sure, and a read in between gets the old owner's.
   */
  private async served(isServed: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 100; i++) {
      if (await isServed()) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('xclip did not take the clipboard');
  }
}
