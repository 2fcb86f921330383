/** The log cannot be flooded: repeated warnings past the limit are counted, not written. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger, type LogLine } from './logger.ts';

function capture(limit = { lines: 3, windowMs: 1000 }) {
  let clock = 0;
  const lines: LogLine[] = [];
  const log = createLogger((l) => lines.push(JSON.parse(l) as LogLine), 'info', limit, () => clock);
  return { log, lines, advance: (ms: number) => (clock += ms) };
}

test('a million identical warnings write a few lines, and the next window says how many were held back', () => {
  const { log, lines, advance } = capture();
  for (let i = 0; i < 1_000_000; i++) log.warn('bad media fragment dropped', { i });
  assert.equal(lines.length, 3);
  advance(1000);
  log.warn('bad media fragment dropped', { i: -1 });
  assert.equal(lines.length, 4);
  assert.equal(lines[3]?.suppressed, 1_000_000 - 3);
  log.warn('bad media fragment dropped', { i: -2 });
  assert.equal(lines[4]?.suppressed, undefined, 'counted once');
});

test('other messages and info lines are not held back by one flooding warning', () => {
  const { log, lines } = capture();
  for (let i = 0; i < 100; i++) log.warn('flood');
  log.warn('something else');
  log.error('flood');
  for (let i = 0; i < 10; i++) log.info('session started');
  assert.equal(lines.filter((l) => l.msg === 'flood' && l.level === 'warn').length, 3);
  assert.ok(lines.some((l) => l.msg === 'something else'));
  assert.ok(lines.some((l) => l.msg === 'flood' && l.level === 'error'));
  assert.equal(lines.filter((l) => l.msg === 'session started').length, 10);
});

test('without a limit (tests, the memory logger) every line is written', () => {
  const lines: string[] = [];
  const log = createLogger((l) => lines.push(l));
  for (let i = 0; i < 50; i++) log.warn('same');
  assert.equal(lines.length, 50);
});
