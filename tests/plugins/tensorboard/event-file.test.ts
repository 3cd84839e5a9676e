import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32c } from '../../../plugins/tensorboard/crc32c.js';
import { EventFileWriter, encodeScalarEvent, frameRecord } from '../../../plugins/tensorboard/event-file.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('plugins/tensorboard event files', () => {
  it('crc32c matches the standard check value', () => {
    assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  });

  it('encodes the worked record of INTEROP §8 byte for byte', () => {
    const rec = frameRecord(encodeScalarEvent(1.0, 1, { loss: 0.5 }));
    assert.equal(hex(rec), '1a00000000000000129bd82d09000000000000f03f10012a0d0a0b0a046c6f7373150000003f27f95db1');
  });

  it('writes a file version record then one record per logged step', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-'));
    try {
      const w = new EventFileWriter(dir, new Date(1_700_000_000_000));
      w.addScalars(3, { 'train/loss': 2.5 }, 5);
      const bytes = readFileSync(w.path);
      assert.match(w.path, /events\.out\.tfevents\.1700000000\./);
      const firstLen = Number(bytes.readBigUInt64LE(0));
      assert.equal(bytes.subarray(12, 12 + firstLen).toString('latin1').includes('brain.Event:2'), true);
      const second = 12 + firstLen + 4;
      const len2 = Number(bytes.readBigUInt64LE(second));
      assert.equal(bytes.length, second + 12 + len2 + 4);
      assert.equal(hex(bytes.subarray(second + 12, second + 12 + len2)), hex(encodeScalarEvent(5, 3, { 'train/loss': 2.5 })));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
