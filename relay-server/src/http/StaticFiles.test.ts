/** Static serving of the web apps: content types, CSP, SPA fallback, no traversal, a hint when not built. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CONTENT_SECURITY_POLICY } from './StaticFiles.ts';
import { startTestRelay, type TestRelay } from '../testing/testRelay.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'beacon-static-'));
const agentRoot = path.join(dir, 'agent');
const customerRoot = path.join(dir, 'customer');
let t: TestRelay;
let unbuilt: TestRelay;

before(async () => {
  mkdirSync(path.join(agentRoot, 'assets'), { recursive: true });
  mkdirSync(customerRoot, { recursive: true });
  writeFileSync(path.join(dir, 'secret.txt'), 'TOP SECRET');
  writeFileSync(path.join(agentRoot, 'index.html'), '<!doctype html><title>agent console</title>');
  writeFileSync(path.join(agentRoot, 'assets', 'app-1234.js'), 'console.log(1)');
  writeFileSync(path.join(agentRoot, 'assets', 'app-1234.css'), 'body{}');
  writeFileSync(path.join(agentRoot, 'logo.svg'), '<svg/>');
  writeFileSync(path.join(customerRoot, 'index.html'), '<!doctype html><title>customer</title>');
  t = await startTestRelay({ staticRoots: { agent: agentRoot, customer: customerRoot } });
  unbuilt = await startTestRelay({ staticRoots: { agent: path.join(dir, 'missing-a'), customer: path.join(dir, 'missing-c') } });
});
after(async () => {
  await t.relay.close();
  await unbuilt.relay.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A GET with the path sent exactly as written (fetch and URL would normalise `..` away). */
function rawGet(base: string, rawPath: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: rawPath, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static files', () => {
  test('the agent console index is served with the strict CSP and nosniff', async () => {
    const res = await rawGet(t.relay.url, '/');
    assert.equal(res.status, 200);
    assert.match(res.body, /agent console/);
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(res.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
    assert.match(CONTENT_SECURITY_POLICY, /script-src 'self';/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
  });

  test('assets get their content types; unknown routes get the app; missing files 404', async () => {
    assert.equal((await rawGet(t.relay.url, '/assets/app-1234.js')).headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal((await rawGet(t.relay.url, '/assets/app-1234.css')).headers['content-type'], 'text/css; charset=utf-8');
    assert.equal((await rawGet(t.relay.url, '/logo.svg')).headers['content-type'], 'image/svg+xml');
    const route = await rawGet(t.relay.url, '/sessions/42?tab=chat');
    assert.equal(route.status, 200);
    assert.match(route.body, /agent console/);
    assert.equal((await rawGet(t.relay.url, '/assets/missing.js')).status, 404);
  });

  test('the customer page lives under /customer/', async () => {
    const res = await rawGet(t.relay.url, '/customer/');
    assert.equal(res.status, 200);
    assert.match(res.body, /customer/);
    assert.ok(res.headers['content-security-policy']);
    const bare = await rawGet(t.relay.url, '/customer');
    assert.equal(bare.status, 301);
    assert.equal(bare.headers.location, '/customer/');
  });

  test('path traversal is refused in every spelling', async () => {
    for (const p of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/customer/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/%00index.html']) {
      const res = await rawGet(t.relay.url, p);
      assert.ok(res.status >= 400, `${p} answered ${res.status}`);
      assert.ok(!res.body.includes('TOP SECRET'), `${p} leaked the file`);
    }
    assert.equal((await rawGet(t.relay.url, '/healthz')).status, 200);
  });

  test('without a build, pages answer 503 with what to run', async () => {
    const res = await rawGet(unbuilt.relay.url, '/');
    assert.equal(res.status, 503);
    assert.match(res.body, /npm run build:web/);
    assert.equal((await rawGet(unbuilt.relay.url, '/customer/')).status, 503);
  });
});
