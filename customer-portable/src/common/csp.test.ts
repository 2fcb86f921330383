import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { RENDERER_CSP } from './csp.ts';

test('index.html enforces the same CSP as the Electron shell, and has no inline script', () => {
  const html = readFileSync(new URL('../renderer/index.html', import.meta.url), 'utf8');
  const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
  assert.equal(meta, RENDERER_CSP);
  for (const script of html.match(/<script\b[^>]*>[\s\S]*?<\/script>/g) ?? []) {
    assert.match(script, /\ssrc=/, `inline script: ${script}`);
  }
});
