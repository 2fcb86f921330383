/**
 * A file transfer survives a real network cut (issue 13): the customer's Chromium runs in a
 * network namespace joined to the relay's by a veth pair (ShapedLink, unshaped), as in
 * resume.test.ts. While a file moves to the customer, the customer's end of the pair goes down
 * for about 5 s and comes back; the session resumes and the file goes on from what the customer
 * had written (not from the start) and arrives whole, its SHA-256 checked, in the event log.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchAgentBrowser, newPage } from '../harness/Browsers.ts';
import { LinkUnavailableError } from '../harness/ShapedLink.ts';
import { agentConnect, agentSignIn, openCustomer, readDeviceCredentials } from '../harness/flows.ts';
import { NamespaceStage } from '../harness/namespaceCustomer.ts';
import { RECEIVED_FILES_BRIDGE, received, setWriteDelay } from '../harness/receivedFiles.ts';
import { waitFor } from '../harness/waitFor.ts';
import { query } from '../harness/db.ts';
import { PATTERN_HTML } from '../fixtures/pattern.ts';

const SIG = { timeout: 240_000 };
const CUT_MS = 5000;
const FILE_BYTES = 24 * 1024 * 1024 + 777;

let skipReason: string | false = false;
let stage: NamespaceStage | null = null;
let agentBrowser: Browser | null = null;
let customer: Page;
let agent: Page;
let dir = '';

const agentRow = (name: string) => agent.locator(`[data-testid="transfer-row"][data-name="${name}"]`);
const customerRow = (name: string) => customer.locator(`[data-testid="transfer-row"][data-name="${name}"]`);

describe('a file transfer survives a network cut', { concurrency: false }, () => {
  before(async () => {
    try {
      stage = await NamespaceStage.start(null, 67, PATTERN_HTML);
    } catch (err) {
      if (!(err instanceof LinkUnavailableError)) throw err;
      skipReason = `no network namespace on this machine: ${err.message}`;
      return;
    }
    dir = mkdtempSync(join(tmpdir(), 'beacon-ft-resume-'));
    customer = await openCustomer(stage.customerBrowser, stage.relayUrl, stage.injector, [RECEIVED_FILES_BRIDGE]);
    agentBrowser = await launchAgentBrowser();
    agent = await newPage(agentBrowser);
    await agentSignIn(agent, stage.relay.url);
  }, SIG);

  after(async () => {
    await agentBrowser?.close().catch(() => undefined);
    await stage?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a file cut off part-way goes on after the resume from what the customer holds, and arrives whole', SIG, async (t) => {
    if (skipReason || !stage) return t.skip(skipReason || 'not set up');
    const { link, relay } = stage;
    const { deviceId, code } = await readDeviceCredentials(customer);
    await agentConnect(agent, deviceId, code);
    await customer.getByTestId('consent-dialog').waitFor({ timeout: 20_000 });
    await customer.getByTestId('consent-accept').click();
    const sessionId = await agent.getByTestId('session-view').getAttribute('data-session-id');
    assert.ok(sessionId);
    await agent.getByTestId('files-menu').waitFor({ timeout: 20_000 });

    const name = 'cut off.bin';
    const file = randomBytes(FILE_BYTES);
    writeFileSync(join(dir, name), file);
    const sha = createHash('sha256').update(file).digest('hex');
    // A slow disk on the customer's side, so the cut comes while the file moves.
    await setWriteDelay(customer, 3);
    await agent.getByTestId('files-menu').locator('summary').click();
    await agent.getByTestId('transfer-files-input').setInputFiles(join(dir, name));
    const offer = customer.locator(`[data-testid="transfer-offer"][data-name="${name}"]`);
    await offer.waitFor({ timeout: 20_000 });
    await offer.getByTestId('transfer-accept').click();
    await waitFor(async () => Number((await agentRow(name).getAttribute('data-bytes')) ?? 0) > 2 * 1024 * 1024, 'the file is part-way', 60_000);

    await link.setLinkUp(false);
    const cutAt = Date.now();
    const heldAtCut = (await received(customer, name))?.length ?? 0;
    await new Promise((r) => setTimeout(r, CUT_MS));
    assert.notEqual(await agentRow(name).getAttribute('data-phase'), 'done', 'the cut came while the file moved');
    await link.setLinkUp(true);
    const upAt = Date.now();
    t.diagnostic(`cut ${upAt - cutAt} ms with ${heldAtCut} of ${FILE_BYTES} bytes written at the customer`);
    await setWriteDelay(customer, 0);

    await agentRow(name).and(agent.locator('[data-phase="done"]')).waitFor({ timeout: 180_000 });
    await customerRow(name).and(customer.locator('[data-phase="done"]')).waitFor({ timeout: 20_000 });
    t.diagnostic(`done ${Date.now() - upAt} ms after the link came up`);
    const got = await received(customer, name);
    assert.ok(got);
    assert.equal(got.length, file.length);
    // Written once, in order: the customer kept what it had and the sender went on from there.
    assert.ok(got.inOrder, 'every byte written once, in order');
    assert.equal(got.sha256, sha);
    assert.ok(got.finished && !got.aborted);

    const events = await query<{ kind: string; detail: string }>(relay, 'SELECT kind, detail FROM session_events WHERE session_id = ? ORDER BY id', [sessionId]);
    const kinds = events.map((e) => e.kind);
    assert.ok(kinds.includes('drop') && kinds.includes('resume'), `the event log has the drop and the resume: ${kinds.join(', ')}`);
    const fileEvent = events.find((e) => e.kind === 'file-transfer');
    assert.ok(fileEvent, 'the file is in the event log');
    assert.equal(JSON.parse(fileEvent.detail).sha256, sha);
  });
});
