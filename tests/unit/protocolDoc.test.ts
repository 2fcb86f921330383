/**
 * docs/PROTOCOL.md is what a third party implements a client from: it must name every message
 * type of the schemas, every capability, the version and the framing header's size.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { HEADER_BYTES, MAGIC, MAX_FRAGMENT_BYTES } from '@beacon/shared/framing';
import { ClientToRelay, CtlFromRelay, CtlToRelay, RelayToClient } from '@beacon/shared/protocol';
import { KNOWN_CAPABILITIES, MIN_PROTOCOL_VERSION, PROTOCOL_VERSION } from '@beacon/shared/version';
import { ERROR_CODES } from '@beacon/shared/errors';
import { typesOf } from '@beacon/shared/protocol/parts';
import { REPO_ROOT } from '../harness/paths.ts';

const doc = readFileSync(join(REPO_ROOT, 'docs', 'PROTOCOL.md'), 'utf8');

for (const [name, union] of Object.entries({ ClientToRelay, RelayToClient, CtlToRelay, CtlFromRelay })) {
  test(`PROTOCOL.md names every ${name} message type`, () => {
    const missing = [...typesOf(union)].filter((t) => !doc.includes(`\`${t}\``));
    assert.deepEqual(missing, [], `add these to docs/PROTOCOL.md: ${missing.join(', ')}`);
  });
}

test('PROTOCOL.md names every capability and error code, and the current versions', () => {
  for (const c of [...KNOWN_CAPABILITIES, ...ERROR_CODES]) assert.ok(doc.includes(`\`${c}\``), `docs/PROTOCOL.md does not name ${c}`);
  assert.ok(doc.includes(`Protocol version: **${PROTOCOL_VERSION}**`), 'the current version');
  assert.ok(doc.includes(`version **${MIN_PROTOCOL_VERSION}**`), 'the oldest version the relay speaks');
});

test('PROTOCOL.md gives the media header as framing.ts writes it', () => {
  assert.ok(doc.includes(`${HEADER_BYTES}-byte header`));
  assert.ok(doc.includes(`magic \`0x${MAGIC.toString(16).toUpperCase()}\``));
  assert.ok(doc.includes(`${MAX_FRAGMENT_BYTES} bytes`));
});
