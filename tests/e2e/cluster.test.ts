/**
 * Several relays as one (issue 15): three real relay processes (relay-server/src/main.ts) on one
 * throwaway PostgreSQL and one throwaway Redis, each with its own id and public URL. A customer
 * connects to A; an agent signed in on B asks for it, is sent to A with a ticket, and gets the
 * screen and control there (Node WebRTC clients carry real media and input through A); the
 * back-office and a supervisor's live list on C show that session. Then the
 * code defences hold across relays: wrong codes from one address through A and B lock it out of
 * the device, and unknown IDs guessed on B and C count towards the address's limit on A.
 *
 * Then the real thing: an agent signed in on B in the agent console (Chromium) connects by ID
 * and code to the customer page (headful Chromium capturing a real X screen) on A; the console
 * follows the redirect with a connection of its own, shows the X screen and its click lands.
 * Then that connection to A is cut (the console closes its socket with 4001, "my link went
 * silent", as it does when the link stops answering): the console resumes the session through
 * its home relay B (a fresh ticket for A), the picture moves again and a click lands, with no
 * second consent dialog.
 *
 * A help request of a customer on A is offered to the only agent at a desk, signed in on B in the
 * console: she accepts, the console follows the `offer-redirect` to A and shows the customer's screen.
 *
 * A fourth relay D holding a redirected session is killed with SIGKILL: the agent asks its home
 * relay B again with its token and resume claim (as the console does), and B takes the session
 * over once D's entry ran out. Through a load balancer, with one recording in S3:
 * clusterFailover.test.ts.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { fragmentFrame, Reassembler } from '@beacon/shared/framing';
import type { RelayToClient, ResumeClaim, Role } from '@beacon/shared/protocol';
import { KNOWN_CAPABILITIES } from '@beacon/shared/version';
import { AgentDeskList, AuditList, Seat } from '@beacon/shared/api';
import { TestApi } from '../../relay-server/src/testing/TestApi.ts';
import { AGENT, type RelayProcess } from '../harness/Relay.ts';
import { startClusterRelay, type ClusterStores } from '../harness/clusterRelay.ts';
import { waitFor } from '../harness/waitFor.ts';
import { COUNT_CONSENT_DIALOGS, consentDialogsShown } from '../harness/consentDialogs.ts';
import { NdcClient, loginAgent, openSession } from '../../relay-server/src/testing/NdcClient.ts';
import { startPostgresServer, type PostgresServer } from '../../relay-server/src/testing/PostgresServer.ts';
import { startRedisServer, type RedisServer } from '../../relay-server/src/testing/RedisServer.ts';
import { cleanupNative } from '../../relay-server/src/platform/nativeHandles.ts';
import { RedisState } from '../../relay-server/src/platform/shared/RedisState.ts';
import { WRONG_CODES_PER_ADDRESS, WRONG_CODES_PER_DEVICE } from '../../relay-server/src/sessions/CodeGuard.ts';
import { launchAgentBrowser, launchCustomerBrowser, launchScreenWindow, newPage } from '../harness/Browsers.ts';
import { InjectorProcess } from '../harness/InjectorProcess.ts';
import { pointerPosition, startXvfb } from '../harness/Xvfb.ts';
import { agentConnect, agentSignIn, canvasPixel, clickCanvasAt, openCustomer, readDeviceCredentials, waitForFullPicture } from '../harness/flows.ts';
import { BLOCKS, PATTERN_HTML, TEXT_BOX } from '../fixtures/pattern.ts';

const SIG = { timeout: 180_000 };
/** Without the desk (its queue messages are not what these clients wait for) and resume (these clients do not resume). */
const CAPS = KNOWN_CAPABILITIES.filter((c) => !c.startsWith('desk') && c !== 'resume');
/** For the clients that resume. */
const CAPS_RESUME = KNOWN_CAPABILITIES.filter((c) => !c.startsWith('desk'));
const permissions = { view: true, control: true } as const;
/** A manager who signs in on relay C to supervise the sessions relay A holds. */
const MONA = { login: 'mona', password: 'mona pass phrase 4', name: 'Mona Said' };
/** An agent at the desk on B only, offered a request whose customer waits on A. */
const XENA = { login: 'xena', password: 'xena pass phrase 5', name: 'Xena Wu' };

/** Keeps every WebSocket the console opens, to cut its link to one relay. */
const KEEP_SOCKETS = `(() => {
  window.__sockets = [];
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      window.__sockets.push(this);
    }
  };
})();`;

/** A block that turns magenta after the cut: seen only if the picture really moves again. */
const FLIP = { x: 760, y: 60, w: 200, h: 200 } as const;

describe('three relays on one PostgreSQL and one Redis', SIG, () => {
  let pg: PostgresServer;
  let redis: RedisServer;
  const relays: Record<'a' | 'b' | 'c', RelayProcess> = {} as Record<'a' | 'b' | 'c', RelayProcess>;
  const clients: NdcClient[] = [];
  const open = async (relayUrl: string, o: { role: 'agent' | 'customer'; token?: string; ticket?: string; isRtc?: boolean; capabilities?: string[]; resume?: ResumeClaim[] }) => {
    const c = await NdcClient.open({ relayUrl, capabilities: CAPS, timeoutMs: 20_000, ...o });
    clients.push(c);
    return c;
  };
  const signIn = async (r: RelayProcess, isRtc = false) => open(r.url, { role: 'agent', token: (await loginAgent(r.url, AGENT.login, AGENT.password)).token, isRtc });

  let stores: ClusterStores;
  before(async () => {
    [pg, redis] = await Promise.all([startPostgresServer(), startRedisServer()]);
    stores = { databaseUrl: pg.url(), redisUrl: redis.url, secret: randomBytes(32).toString('hex') };
    // One after the other: the first creates the schema.
    // An owner: the seat is also a supervisor, whose live list spans the relays, and may add Mona, a manager.
    for (const id of ['a', 'b', 'c'] as const) relays[id] = await startClusterRelay(id, stores, { BEACON_AGENT_ROLE: 'owner' });
    const owner = new TestApi(relays.c.url).as((await loginAgent(relays.c.url, AGENT.login, AGENT.password)).token);
    await owner.ok('POST', '/api/seats', Seat, { login: MONA.login, displayName: MONA.name, password: MONA.password, role: 'manager', groupIds: [], concurrencyLimit: 2 }, 201);
    await owner.ok('POST', '/api/seats', Seat, { login: XENA.login, displayName: XENA.name, password: XENA.password, role: 'agent', groupIds: [], concurrencyLimit: 1 }, 201);
  });
  after(async () => {
    for (const c of clients) c.close();
    for (const r of Object.values(relays)) await r.stop();
    await redis?.stop();
    await pg?.stop();
    await cleanupNative();
  });

  // First, while no other console of any seat is at a desk: the request can go to Xena only.
  test('the agent signed in on B takes a help request from a customer on A and sees the screen', SIG, async () => {
    await onPatternScreen(88, async ({ injector, customerBrowser, agentBrowser }) => {
      const xena = await newPage(agentBrowser);
      await agentSignIn(xena, relays.b.url, XENA);
      await xena.locator('[data-testid="desk-controls"][data-state="available"]').waitFor({ timeout: 15_000 });
      const customer = await openCustomer(customerBrowser, relays.a.url, injector);
      await customer.getByTestId('help-open').click();
      await customer.getByTestId('help-name').fill('Li Na');
      await customer.getByTestId('help-description').fill('the printer');
      await customer.getByTestId('help-submit').click();
      // A counts the seats at B's desk as B shares them (within a few seconds).
      await customer.locator('[data-testid="help-waiting"][data-nobody="false"]').waitFor({ timeout: 15_000 });
      const offer = xena.getByTestId('desk-offer');
      await offer.waitFor({ timeout: 15_000 });
      assert.equal(await offer.getByTestId('desk-offer-name').innerText(), 'Li Na');
      await offer.getByTestId('desk-offer-accept').click();
      await customer.getByTestId('help-assigned').waitFor({ timeout: 15_000 });
      await customer.getByTestId('consent-dialog').waitFor({ timeout: 15_000 });
      assert.equal(await customer.getByTestId('consent-agent-name').innerText(), XENA.name);
      await customer.getByTestId('consent-accept').click();
      await seesPattern(xena);
    });
  });

  test('a manager on A dispatches a waiting request to the agent at B\'s desk from the supervisor panel: her console takes it at once and the session runs on A; then hands her own session on to that agent', SIG, async () => {
    const agentBrowser = await launchAgentBrowser();
    try {
      const xena = await newPage(agentBrowser);
      await agentSignIn(xena, relays.b.url, XENA);
      // Busy: offered nothing by the queue, but a supervisor may give her a request.
      await xena.getByTestId('desk-state').selectOption('busy');
      await xena.locator('[data-testid="desk-controls"][data-state="busy"]').waitFor({ timeout: 10_000 });
      const mona = await newPage(await agentBrowser.newContext());
      await agentSignIn(mona, relays.a.url, MONA);
      await mona.getByTestId('desk-state').selectOption('away');
      await mona.locator('[data-testid="desk-controls"][data-state="away"]').waitFor({ timeout: 10_000 });
      const customer = await open(relays.a.url, { role: 'customer', capabilities: KNOWN_CAPABILITIES.filter((c) => c !== 'resume') });
      customer.send({ type: 'help-request', requestId: 'to-dispatch', help: { customerName: 'Wang Fang', description: 'the scanner', groupId: null } });
      const { helpRequestId } = await customer.next('help-queued', 15_000, (m) => m.requestId === 'to-dispatch');
      await mona.getByTestId('supervise-toggle').click();
      const row = mona.locator(`[data-testid="supervise-request"][data-request-id="${helpRequestId}"]`);
      await row.waitFor({ timeout: 15_000 });
      const choice = row.getByTestId('supervise-dispatch-agent');
      // Listed once A has taken in B's desk (within a few seconds; the list is read every 5 s).
      await waitFor(async () => (await choice.locator('option').allInnerTexts()).includes(XENA.name), 'Xena among the agents Mona can dispatch to', 20_000);
      await choice.selectOption({ label: XENA.name });
      await row.getByTestId('supervise-dispatch').click();
      const ask = await customer.next('consent-request', 20_000);
      assert.equal(ask.agentName, XENA.name);
      customer.send({ type: 'consent-reply', sessionId: ask.sessionId, granted: true });
      await xena.locator(`[data-testid="session-tab"][data-state="active"][data-session-id="${ask.sessionId}"]`).waitFor({ timeout: 20_000 });
      await xena.getByTestId('desk-offer').waitFor({ state: 'detached', timeout: 5000 });
      const audit = await new TestApi(relays.a.url).as((await loginAgent(relays.a.url, AGENT.login, AGENT.password)).token).ok('GET', '/api/audit', AuditList);
      const entry = audit.entries.find((e) => e.action === 'request-dispatched' && e.detail['helpRequestId'] === helpRequestId);
      assert.deepEqual([entry?.actor?.login, entry?.target?.label], [MONA.login, XENA.name], 'audited on A with who dispatched to whom');
      customer.close();
      await xena.locator(`[data-testid="session-tab"][data-state="ended"][data-session-id="${ask.sessionId}"]`).waitFor({ timeout: 20_000 });

      // Now Mona takes a request on A and hands the running session on to Xena, whose desk is on B.
      await mona.getByTestId('supervise-toggle').click();
      await mona.getByTestId('desk-state').selectOption('available');
      const second = await open(relays.a.url, { role: 'customer', capabilities: KNOWN_CAPABILITIES.filter((c) => c !== 'resume') });
      second.send({ type: 'help-request', requestId: 'to-transfer', help: { customerName: 'Zhao Lei', description: 'the mail', groupId: null } });
      await mona.getByTestId('desk-offer').getByTestId('desk-offer-accept').click({ timeout: 15_000 });
      const consent = await second.next('consent-request', 20_000);
      second.send({ type: 'consent-reply', sessionId: consent.sessionId, granted: true });
      await mona.locator(`[data-testid="session-tab"][data-state="active"][data-session-id="${consent.sessionId}"]`).waitFor({ timeout: 20_000 });
      // B takes A's view of Xena's sessions in every second: until then B would answer that she has no room.
      const onB = new TestApi(relays.b.url).as((await loginAgent(relays.b.url, AGENT.login, AGENT.password)).token);
      await waitFor(async () => (await onB.ok('GET', '/api/desk/agents', AgentDeskList)).agents.find((x) => x.seat.login === XENA.login)?.load === 0, 'Xena free again as B sees her', 20_000);
      await new Promise((r) => setTimeout(r, 1500));
      await mona.getByTestId('transfer-open').click();
      const form = mona.getByTestId('transfer-form');
      // Listed once A has taken in that she has room again.
      await waitFor(async () => (await form.locator('option:not([disabled])').allInnerTexts()).includes(XENA.name), 'Xena with room among the transfer choices', 20_000);
      await form.getByTestId('transfer-target').selectOption({ label: XENA.name });
      await form.getByTestId('transfer-send').click();
      await mona.locator('[data-testid="transfer-status"][data-state="asking"]', { hasText: XENA.name }).waitFor({ timeout: 10_000 });
      await xena.locator('[data-testid="desk-offer"][data-transfer="yes"]').getByTestId('desk-offer-accept').click({ timeout: 15_000 });
      const xenaTab = xena.locator(`[data-testid="session-tab"][data-state="active"][data-session-id="${consent.sessionId}"]`);
      await xenaTab.waitFor({ timeout: 20_000 });
      await mona.locator(`[data-testid="session-tab"][data-state="ended"][data-session-id="${consent.sessionId}"]`).waitFor({ timeout: 10_000 });
      assert.equal((await second.next('session-agent-changed', 10_000)).agentName, XENA.name);
      // Her console speaks for that session over its link to A.
      await xenaTab.click();
      await xena.getByTestId('chat-input').fill('Xena here, I have it');
      await xena.getByTestId('chat-send').click();
      assert.equal((await second.nextCtl('chat', 10_000, (m) => m.message.from === 'agent')).message.senderName, XENA.name);
      second.close();
    } finally {
      await agentBrowser.close();
    }
  });

  test('an agent signed in on B is sent to A, and sees and controls the customer connected to A', SIG, async () => {
    const customer = await open(relays.a.url, { role: 'customer' });
    const onB = await signIn(relays.b);
    onB.send({ type: 'connect-request', requestId: 'via-b', deviceId: customer.device.deviceId, code: customer.device.code, permissions });
    const redirect = await onB.next('relay-redirect', 10_000);
    assert.equal(redirect.url, relays.a.url);
    const onA = await open(redirect.url, { role: 'agent', ticket: redirect.ticket });
    assert.equal(onA.signedInAs.login, AGENT.login);
    const { sessionId, streamId } = await openSession(onA, customer, permissions, 15_000);
    // The screen: a keyframe from the customer reaches the agent through A.
    for (const f of fragmentFrame(new Uint8Array(5000).fill(7), { isKey: true, stream: streamId, seq: 0, captureTs: 1 })) customer.sendMedia(f);
    await waitFor(() => onA.media.length > 0, 'the customer\'s keyframe on the agent', 15_000);
    assert.equal(new Reassembler().push(onA.media[0] as Uint8Array)?.data[0], 7);
    // Control: the agent's input reaches the customer.
    onA.sendCtl({ type: 'input', sessionId, event: { kind: 'mouse-move', x: 100, y: 200 } });
    const input = await customer.nextCtl('input', 10_000);
    assert.deepEqual(input.event, { kind: 'mouse-move', x: 100, y: 200 });
    // B never held the session: the back-office (shared database) knows it all the same.
    const rows = await fetch(new URL('/api/sessions', relays.c.url), { headers: { Authorization: `Bearer ${(await loginAgent(relays.c.url, AGENT.login, AGENT.password)).token}` } });
    assert.equal(rows.status, 200);
    assert.ok((await rows.text()).includes(sessionId), 'relay C lists the session relay A holds');
    // And a supervisor at the desk on C has it in the live list (shared through Redis).
    const supervisor = await open(relays.c.url, { role: 'agent', token: (await loginAgent(relays.c.url, AGENT.login, AGENT.password)).token, isRtc: false, capabilities: KNOWN_CAPABILITIES.filter((c) => c !== 'resume') });
    await supervisor.next('desk-sessions', 15_000, (m) => m.sessions.some((s) => s.sessionId === sessionId));
  });

  test('the agent console signed in on B follows the redirect to the customer page on A: picture and click, and again after its link to A is cut; a manager on C monitors it, then takes it over', SIG, async (t) => {
    await onPatternScreen(89, async ({ x, injector, screen, customerBrowser, agentBrowser }) => {
      const customer = await openCustomer(customerBrowser, relays.a.url, injector, [COUNT_CONSENT_DIALOGS]);
      const agent = await newPage(agentBrowser);
      await agent.addInitScript(KEEP_SOCKETS);
      await agentSignIn(agent, relays.b.url);
      const { deviceId, code } = await readDeviceCredentials(customer);
      await agentConnect(agent, deviceId, code);
      await customer.getByTestId('consent-dialog').waitFor({ timeout: 20_000 });
      await customer.getByTestId('consent-accept').click();
      await seesPattern(agent);
      const target = { x: TEXT_BOX.x + 100, y: TEXT_BOX.y + TEXT_BOX.h / 2 };
      await clickCanvasAt(agent, target.x, target.y);
      await waitFor(async () => {
        const p = await pointerPosition(x.display);
        return Math.abs(p.x - target.x) <= 1 && Math.abs(p.y - target.y) <= 1;
      }, 'the X pointer reaches the clicked point', 15_000);
      await waitFor(() => screen.page.evaluate(() => document.activeElement?.id === 'target'), 'the click focuses the text box', 15_000);
      await cutAndResume(t, { agent, customer, screen: screen.page, x });
      await managerOnC(agent, agentBrowser);
    });
  });

  /** Cuts the console's link to A; the session comes back through B: picture, click, no new consent. */
  async function cutAndResume(t: TestContext, o: { agent: Page; customer: Page; screen: Page; x: { display: string } }): Promise<void> {
    const { agent, customer, screen, x } = o;
    const sessionId = await agent.getByTestId('session-view').getAttribute('data-session-id');
    const toA = new URL('/ws', relays.a.url.replace(/^http/, 'ws')).toString();
    // The tab says it is reconnecting while the link is down (maybe only for a moment: watched from the page).
    await agent.evaluate(() => {
      const w = window as unknown as { __relinkShown: boolean };
      w.__relinkShown = false;
      new MutationObserver(() => (w.__relinkShown ||= document.querySelector('[data-testid="session-relinking"]') !== null)).observe(document.body, { childList: true, subtree: true });
    });
    const cut = await agent.evaluate((url) => {
      const open = (window as unknown as { __sockets: WebSocket[] }).__sockets.filter((s) => s.url === url && s.readyState === WebSocket.OPEN);
      for (const s of open) s.close(4001, 'test-cut');
      return open.length;
    }, toA);
    assert.equal(cut, 1, 'the console had one link to A');
    const cutAt = Date.now();
    await screen.evaluate((f) => {
      const d = document.createElement('div');
      Object.assign(d.style, { left: `${f.x}px`, top: `${f.y}px`, width: `${f.w}px`, height: `${f.h}px`, background: '#ff00ff' });
      document.body.appendChild(d);
    }, FLIP);
    await waitFor(async () => {
      const px = await canvasPixel(agent, FLIP.x + FLIP.w / 2, FLIP.y + FLIP.h / 2);
      return px[0]! > 180 && px[2]! > 180 && px[1]! < 80;
    }, 'the picture moves again after the cut', 30_000);
    t.diagnostic(`the picture moved again ${Date.now() - cutAt} ms after the console's link to A was cut`);
    assert.equal(await agent.evaluate(() => (window as unknown as { __relinkShown: boolean }).__relinkShown), true, 'the tab said it was reconnecting');
    await agent.getByTestId('session-relinking').waitFor({ state: 'detached', timeout: 5000 });
    const links = await agent.evaluate((url) => (window as unknown as { __sockets: WebSocket[] }).__sockets.filter((s) => s.url === url && s.readyState === WebSocket.OPEN).length, toA);
    assert.equal(links, 1, 'a new link to A carries the session');
    assert.equal(await agent.getByTestId('session-view').getAttribute('data-session-id'), sessionId, 'the same session');
    const target = { x: BLOCKS[2].x + 50, y: BLOCKS[2].y + 50 };
    await clickCanvasAt(agent, target.x, target.y);
    await waitFor(async () => {
      const p = await pointerPosition(x.display);
      return Math.abs(p.x - target.x) <= 1 && Math.abs(p.y - target.y) <= 1;
    }, 'a click after the resume reaches the X screen', 15_000);
    assert.equal(await consentDialogsShown(customer), 1, 'no second consent dialog');
  }

  test('the relay holding a redirected session dies: the agent asks its home relay B again, which takes the session over', SIG, async (t) => {
    // A fourth relay, D, holds the session and is killed (the other tests keep A).
    const d = await startClusterRelay('d', stores, { BEACON_AGENT_ROLE: 'manager' });
    try {
      const customer = await open(d.url, { role: 'customer', capabilities: CAPS_RESUME });
      const { token } = await loginAgent(relays.b.url, AGENT.login, AGENT.password);
      const home = await open(relays.b.url, { role: 'agent', token, isRtc: false, capabilities: CAPS_RESUME });
      home.send({ type: 'connect-request', requestId: 'on-d', deviceId: customer.device.deviceId, code: customer.device.code, permissions });
      const redirect = await home.next('relay-redirect', 10_000);
      assert.equal(redirect.url, d.url);
      const onD = await open(redirect.url, { role: 'agent', ticket: redirect.ticket, capabilities: CAPS_RESUME });
      const { sessionId, streamId } = await openSession(onD, customer, permissions, 15_000);
      const claimOf = (c: NdcClient): ResumeClaim => {
        const started = c.inbox.all.find((m) => m.type === 'session-started');
        assert.ok(started?.type === 'session-started' && started.resumeSecret, 'a resume secret');
        return { sessionId, secret: started.resumeSecret };
      };
      const claims = { customer: claimOf(customer), agent: claimOf(onD) };

      // Killed only once D shared the session's record (written as the session starts, within milliseconds;
      // a relay killed before that write reached Redis takes the session with it).
      const shared = await RedisState.open(redis.url, {});
      try {
        await waitFor(async () => (await shared.get(`session-record:${sessionId}`)) !== null, 'the session record in Redis', 10_000);
      } finally {
        await shared.close();
      }
      d.proc.kill('SIGKILL');
      const killedAt = Date.now();
      await new Promise((r) => d.proc.once('exit', r));
      // What the console does for its redirected link (SessionLinkResume.ts): B again with its token and claim,
      // following a resume-redirect (to D while D's entry lives: that fails), once a second; the customer likewise.
      const deadline = killedAt + 50_000;
      const [agent, back] = await Promise.all([resumeAt(relays.b.url, 'agent', claims.agent, token, deadline), resumeAt(relays.b.url, 'customer', claims.customer, undefined, deadline)]);
      const resumed = await agent.next('session-resumed', 15_000);
      assert.equal(resumed.streamId, streamId, 'the same stream');
      await back.next('session-resumed', 15_000);
      t.diagnostic(`the agent and the customer were back on B ${Date.now() - killedAt} ms after D was killed`);
      assert.equal(back.device.deviceId, customer.device.deviceId, 'the customer keeps its ID');
      assert.ok(!back.inbox.all.some((m) => m.type === 'consent-request'), 'no new consent');
      for (const f of fragmentFrame(new Uint8Array(4000).fill(5), { isKey: true, stream: streamId, seq: 100, captureTs: 1 })) back.sendMedia(f);
      await waitFor(() => agent.media.length > 0, 'the picture through B', 15_000);
      agent.sendCtl({ type: 'input', sessionId, event: { kind: 'mouse-move', x: 3, y: 4 } });
      assert.deepEqual((await back.nextCtl('input', 10_000)).event, { kind: 'mouse-move', x: 3, y: 4 });
    } finally {
      await d.stop();
    }
  });

  /** `hello.resume` at `url` (with `token` for an agent), following a `resume-redirect`; tried again a second later until `deadline`. */
  async function resumeAt(url: string, role: Role, claim: ResumeClaim, token: string | undefined, deadline: number): Promise<NdcClient> {
    for (;;) {
      try {
        return await open(url, { role, resume: [claim], capabilities: CAPS_RESUME, ...(token ? { token } : {}) });
      } catch (err) {
        const to = (err as { redirect?: Extract<RelayToClient, { type: 'resume-redirect' }> }).redirect;
        const there = to ? await open(to.url, { role, resume: [claim], capabilities: CAPS_RESUME, ...(to.ticket ? { ticket: to.ticket } : {}) }).catch(() => null) : null;
        if (there) return there;
      }
      if (Date.now() > deadline) throw new Error(`the ${role} could not resume through ${url}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  /** Mona, signed in on C, monitors the session A holds (through a link of her console to A), then takes it over. */
  async function managerOnC(agent: Page, agentBrowser: Browser): Promise<void> {
    const agentTab = agent.locator('[data-testid="session-tab"][data-state="active"]');
    const sessionId = (await agentTab.getAttribute('data-session-id')) ?? '';
    const mona = await newPage(await agentBrowser.newContext());
    await agentSignIn(mona, relays.c.url, MONA);
    await mona.getByTestId('supervise-toggle').click();
    const row = mona.locator(`[data-testid="supervise-session"][data-session-id="${sessionId}"]`);
    await row.waitFor({ timeout: 20_000 });
    await row.getByTestId('supervise-monitor').click();
    const monaTab = mona.locator(`[data-testid="session-tab"][data-state="active"][data-session-id="${sessionId}"]`);
    await monaTab.waitFor({ timeout: 20_000 });
    await mona.getByTestId('supervise-toggle').click();
    await waitForFullPicture(mona, 1280, 30_000);
    await mona.getByTestId('view-only-badge').waitFor({ timeout: 5000 });
    await agent.locator('[data-testid="session-monitored"]', { hasText: MONA.name }).waitFor({ timeout: 15_000 });

    await mona.getByTestId('supervise-toggle').click();
    await row.getByTestId('supervise-take-over').click();
    await monaTab.waitFor({ timeout: 20_000 });
    await agent.locator(`[data-testid="session-tab"][data-state="ended"][data-session-id="${sessionId}"]`).waitFor({ timeout: 20_000 });
    await mona.getByTestId('supervise-toggle').click();
    await mona.getByTestId('view-only-badge').waitFor({ state: 'detached', timeout: 10_000 });
    await waitForFullPicture(mona, 1280, 30_000);
    const audit = await new TestApi(relays.a.url).as((await loginAgent(relays.a.url, AGENT.login, AGENT.password)).token).ok('GET', '/api/audit', AuditList);
    for (const action of ['session-monitored', 'session-transferred']) {
      assert.ok(audit.entries.some((e) => e.action === action && e.actor?.login === MONA.login && e.target?.id === sessionId), `${action} by Mona is audited`);
    }
  }

  test('wrong codes through A and through B add up: the address is locked out of the device', SIG, async () => {
    const customer = await open(relays.a.url, { role: 'customer', isRtc: false });
    const { deviceId, code } = customer.device;
    const wrong = code === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA';
    const onA = await signIn(relays.a);
    const onB = await signIn(relays.b);
    onB.send({ type: 'connect-request', requestId: 'redirect-me', deviceId, code: wrong, permissions });
    const redirect = await onB.next('relay-redirect', 10_000);
    const viaB = await open(redirect.url, { role: 'agent', ticket: redirect.ticket, isRtc: false });
    for (let i = 0; i < WRONG_CODES_PER_DEVICE.max; i++) {
      const agent = i % 2 === 0 ? onA : viaB;
      agent.send({ type: 'connect-request', requestId: `wrong-${i}`, deviceId, code: wrong, permissions });
      assert.equal((await agent.next('error', 10_000, (m) => m.requestId === `wrong-${i}`)).code, 'wrong-code');
    }
    onA.send({ type: 'connect-request', requestId: 'right', deviceId, code, permissions });
    assert.equal((await onA.next('error', 10_000, (m) => m.requestId === 'right')).code, 'locked', 'even the right code is refused now');
  });

  test('unknown IDs guessed on B and C count towards the address limit on A', SIG, async () => {
    const customer = await open(relays.a.url, { role: 'customer', isRtc: false });
    const guessers = [await signIn(relays.b), await signIn(relays.c)];
    // The previous test's misses count too; guess until the limit, alternating B and C.
    for (let i = 0; i < WRONG_CODES_PER_ADDRESS.max; i++) {
      const g = guessers[i % 2] as NdcClient;
      g.send({ type: 'connect-request', requestId: `guess-${i}`, deviceId: String(100_000_000 + i), code: 'AAAAAA', permissions });
      const answer = await g.next('error', 10_000, (m) => m.requestId === `guess-${i}`);
      if (answer.code === 'rate-limited') break;
      assert.equal(answer.code, 'unknown-device');
    }
    const onA = await signIn(relays.a);
    onA.send({ type: 'connect-request', requestId: 'limited', deviceId: customer.device.deviceId, code: customer.device.code, permissions });
    assert.equal((await onA.next('error', 10_000, (m) => m.requestId === 'limited')).code, 'rate-limited');
  });
});

type PatternScreen = {
  x: Awaited<ReturnType<typeof startXvfb>>;
  injector: InjectorProcess;
  screen: Awaited<ReturnType<typeof launchScreenWindow>>;
  customerBrowser: Browser;
  agentBrowser: Browser;
};

/** The console's session tab runs and shows the whole test pattern: its red block where it is on the X screen. */
async function seesPattern(agent: Page): Promise<void> {
  await agent.locator('[data-testid="session-tab"][data-state="active"]').waitFor({ timeout: 20_000 });
  await waitForFullPicture(agent, 1280, 30_000);
  const red = BLOCKS[0];
  const px = await canvasPixel(agent, red.x + red.w / 2, red.y + red.h / 2);
  assert.ok(Math.hypot(px[0]! - red.rgb[0], px[1]! - red.rgb[1], px[2]! - red.rgb[2]) < 60, `the ${red.name} block shows as rgb(${px.slice(0, 3).join(',')})`);
}

/** An X screen (`:displayNo`) showing the test pattern, its injector, the customer's browser on it and an agent's; `run` gets them, and all are closed after. */
async function onPatternScreen(displayNo: number, run: (s: PatternScreen) => Promise<void>): Promise<void> {
  const x = await startXvfb(1280, 720, displayNo);
  const closers: (() => Promise<unknown>)[] = [() => x.close()];
  try {
    const injector = await InjectorProcess.start(x.display);
    closers.unshift(() => injector.close());
    const screen = await launchScreenWindow(x.display);
    closers.unshift(() => screen.context.close());
    await screen.page.setContent(PATTERN_HTML);
    const customerBrowser = await launchCustomerBrowser(x.display);
    closers.unshift(() => customerBrowser.close());
    const agentBrowser = await launchAgentBrowser();
    closers.unshift(() => agentBrowser.close());
    await run({ x, injector, screen, customerBrowser, agentBrowser });
  } finally {
    for (const close of closers) await close().catch(() => undefined);
  }
}
