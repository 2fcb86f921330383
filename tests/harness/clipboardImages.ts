/**
 * Clipboard images for the end-to-end tests: PNGs drawn by a Chromium page (a pattern, or noise
 * that does not compress), what their pixels are (decoded by Chromium, hashed as RGBA), and the
 * agent browser's own clipboard images through the async Clipboard API. Clipboards may re-encode
 * a PNG (Chromium does when it writes one), so a test compares decoded pixels, not bytes.
 */
import type { Page } from 'playwright-core';

export interface Pixels {
  width: number;
  height: number;
  /** SHA-256 of the decoded RGBA, hex. */
  rgba: string;
}

/**
 * A PNG of `width` x `height` opaque pixels drawn in `page`: stripes and a gradient that `seed`
 * shifts (each seed its own picture), or random noise (a PNG about as large as its raw pixels).
 */
export async function drawPng(page: Page, o: { width: number; height: number; seed: number; noise?: boolean }): Promise<Buffer> {
  const b64 = await page.evaluate(async ({ width, height, seed, noise }) => {
    const canvas = new OffscreenCanvas(width, height);
    const g = canvas.getContext('2d')!;
    const img = g.createImageData(width, height);
    for (let i = 0; i < width * height; i++) {
      const x = i % width;
      const y = Math.floor(i / width);
      const rgb = noise
        ? [Math.random() * 256, Math.random() * 256, Math.random() * 256]
        : [(x * 4 + seed * 40) % 256, (y * 5) % 256, ((x >> 3) + (y >> 3) + seed) % 2 === 0 ? 30 : 220];
      img.data.set([...rgb.map(Math.floor), 255], i * 4);
    }
    g.putImageData(img, 0, 0);
    const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  }, { ...o, noise: o.noise ?? false });
  return Buffer.from(b64, 'base64');
}

/** The pixels of a PNG, decoded by Chromium in `page`. */
export async function pixelsOf(page: Page, png: Buffer): Promise<Pixels> {
  return page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }), { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const g = canvas.getContext('2d')!;
    g.drawImage(bitmap, 0, 0);
    const data = g.getImageData(0, 0, bitmap.width, bitmap.height).data;
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
    return { width: bitmap.width, height: bitmap.height, rgba: [...digest].map((b) => b.toString(16).padStart(2, '0')).join('') };
  }, png.toString('base64'));
}

/** The PNG on the agent browser's clipboard (empty when it holds none). */
export async function readBrowserPng(page: Page): Promise<Buffer> {
  const b64 = await page.evaluate(async () => {
    for (const item of await navigator.clipboard.read()) {
      if (!item.types.includes('image/png')) continue;
      const bytes = new Uint8Array(await (await item.getType('image/png')).arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(binary);
    }
    return '';
  });
  return Buffer.from(b64, 'base64');
}

/** Puts a PNG on the agent browser's clipboard, as an image copied in another app. */
export async function writeBrowserPng(page: Page, png: Buffer): Promise<void> {
  await page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    await navigator.clipboard.write([new ClipboardItem({ 'image/png': new Blob([bytes], { type: 'image/png' }) })]);
  }, png.toString('base64'));
}
