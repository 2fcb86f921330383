import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { FileSaver } from './FileSaver.ts';

async function folder(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'beacon-saver-'));
}

test('a file is written below the chosen folder and named only when finished', async () => {
  const dir = await folder();
  const saver = new FileSaver(dir);
  assert.equal(await saver.open('t1', 'logs/app.log', 6), path.join('logs', 'app.log'));
  await saver.write('t1', 0, Buffer.from('abc'));
  assert.deepEqual(await readdir(path.join(dir, 'logs')), ['app.log.part']);
  await saver.write('t1', 3, Buffer.from('def'));
  await saver.finish('t1');
  assert.equal(await readFile(path.join(dir, 'logs', 'app.log'), 'utf8'), 'abcdef');
  await rm(dir, { recursive: true });
});

test('a name in use is never overwritten; an aborted file is deleted', async () => {
  const dir = await folder();
  await writeFile(path.join(dir, 'a.txt'), 'mine');
  const saver = new FileSaver(dir);
  assert.equal(await saver.open('t1', 'a.txt', 1), 'a (2).txt');
  await saver.open('t2', 'b.txt', 3);
  await saver.write('t2', 0, Buffer.from('x'));
  await saver.abort('t2');
  await saver.abort('t2');
  assert.deepEqual((await readdir(dir)).sort(), ['a (2).txt.part', 'a.txt']);
  assert.equal(await readFile(path.join(dir, 'a.txt'), 'utf8'), 'mine');
  await saver.abortAll();
  assert.deepEqual(await readdir(dir), ['a.txt']);
  await rm(dir, { recursive: true });
});

test('paths outside the folder, writes out of order, more bytes than offered and short files are refused', async () => {
  const dir = await folder();
  const saver = new FileSaver(dir);
  await assert.rejects(saver.open('t0', '../escape.txt', 1));
  await saver.open('t1', 'c.bin', 4);
  await assert.rejects(saver.write('t1', 2, Buffer.from('x')));
  await assert.rejects(saver.write('t1', 0, Buffer.from('12345')));
  await saver.write('t1', 0, Buffer.from('12'));
  await assert.rejects(saver.finish('t1'));
  assert.deepEqual(await readdir(dir), []);
  await rm(dir, { recursive: true });
});
