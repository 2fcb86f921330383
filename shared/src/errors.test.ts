import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromWireError, ProtocolError, toWireError } from './errors.ts';

test('a protocol error keeps its code and message on the wire', () => {
  assert.deepEqual(toWireError(new ProtocolError('wrong-code', 'the code does not match')), {
    code: 'wrong-code',
    message: 'the code does not match',
    internal: false,
  });
});

test('anything else is internal and its text never reaches the peer', () => {
  for (const err of [new Error('SQLITE_BUSY at /some/path'), 'boom', null, undefined, Object.assign(new Error('x'), { code: 'ENOENT' })]) {
    assert.deepEqual(toWireError(err), { code: 'internal', message: 'internal error', internal: true });
  }
  assert.equal(toWireError(new ProtocolError('internal', 'the relay could not store the file')).message, 'internal error');
});

test('a received wire error becomes a ProtocolError with the same code', () => {
  const e = fromWireError({ code: 'denied', message: 'the customer declined' });
  assert.ok(e instanceof ProtocolError);
  assert.equal(e.code, 'denied');
  assert.equal(e.message, 'the customer declined');
});
