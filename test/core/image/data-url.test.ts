import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RelayError } from '../../../src/core/errors.js';
import { base64Length, parseDataUrl } from '../../../src/core/image/data-url.js';
import { TEXT_PIECE_LENGTH } from '../../../src/core/image/text-pieces.js';

const PNG_BYTES = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const MAX = 1024;

function refusal(source: string | Buffer, max = MAX): string {
  try {
    parseDataUrl(source, max);
  } catch (error) {
    assert.ok(error instanceof RelayError, `expected a RelayError, got ${String(error)}`);
    return error.code;
  }
  assert.fail(`expected ${source.slice(0, 40)} to be refused`);
}

describe('parseDataUrl', () => {
  it('returns the bytes, the declared type and the header exactly as sent', () => {
    const parsed = parseDataUrl(`data:image/png;base64,${PNG_BYTES.toString('base64')}`, MAX);
    assert.deepEqual(parsed.bytes, PNG_BYTES);
    assert.equal(parsed.declaredType, 'image/png');
    assert.equal(parsed.header, 'data:image/png;base64');
  });

  it('keeps parameters and letter case of the header', () => {
    const parsed = parseDataUrl(`DATA:Image/PNG;name=cam1.png;BASE64,${PNG_BYTES.toString('base64')}`, MAX);
    assert.equal(parsed.header, 'DATA:Image/PNG;name=cam1.png;BASE64');
    assert.equal(parsed.declaredType, 'image/png');
  });

  it('accepts a header with no media type', () => {
    assert.equal(parseDataUrl(`data:;base64,${PNG_BYTES.toString('base64')}`, MAX).declaredType, '');
  });

  it('refuses what is not a data: URL', () => {
    assert.equal(refusal('http://example.com/a.png'), 'not_a_data_url');
    assert.equal(refusal('data:image/png;base64'), 'not_a_data_url');
    assert.equal(refusal(''), 'not_a_data_url');
    assert.equal(refusal(`data:${'a'.repeat(300)};base64,AAAA`), 'not_a_data_url');
  });

  it('refuses CR, LF and other characters a header cannot hold, which would forge SSE fields', () => {
    assert.equal(refusal('data:image/png\nid: 1;base64,AAAA'), 'not_a_data_url');
    assert.equal(refusal('data:image/png\r;base64,AAAA'), 'not_a_data_url');
    assert.equal(refusal('data:image/png ;base64,AAAA'), 'not_a_data_url');
    assert.equal(refusal('data:image/png;x="<script>";base64,AAAA'), 'not_a_data_url');
  });

  it('refuses URLs that are not base64', () => {
    assert.equal(refusal('data:image/png,%89PNG'), 'not_base64');
  });

  it('refuses base64 that is not padded, standard-alphabet base64', () => {
    const canonical = PNG_BYTES.subarray(0, 10).toString('base64'); // ends with "=="
    assert.ok(canonical.endsWith('=='));
    assert.equal(refusal(`data:image/png;base64,${canonical.replace(/=+$/, '')}`), 'invalid_base64');
    assert.equal(refusal(`data:image/png;base64,${canonical.slice(0, 4)}\n${canonical.slice(4)}`), 'invalid_base64');
    assert.equal(refusal('data:image/png;base64,AAA*'), 'invalid_base64');
    assert.equal(refusal('data:image/png;base64,AB-_'), 'invalid_base64'); // base64url, which browsers refuse
    assert.equal(refusal('data:image/png;base64,A=BC'), 'invalid_base64'); // padding in the middle
    assert.equal(refusal('data:image/png;base64,===='), 'invalid_base64');
    assert.equal(refusal('data:image/png;base64,'), 'empty_image');
  });

  it('checks the alphabet of a URL given as bytes as strictly as one given as text, at every byte value', () => {
    // Bytes take another path (Node's decoder, which skips what it cannot decode, then a length check): every
    // byte in every position of a group, and across a piece boundary, must be refused exactly as the text is.
    const large = MAX * 1024;
    const groups = 'AAAA'.repeat(TEXT_PIECE_LENGTH / 4 + 2);
    for (let byte = 0; byte < 256; byte++) {
      for (const payload of ['AAAA', 'AAA=', 'AA==']) {
        for (let position = 0; position < 4; position++) {
          const text = `data:image/png;base64,${payload.slice(0, position)}${String.fromCharCode(byte)}${payload.slice(position + 1)}`;
          const expected = (() => {
            try {
              return parseDataUrl(text, MAX).bytes.toString('hex');
            } catch (error) {
              return (error as RelayError).code;
            }
          })();
          const bytes = Buffer.from(text, 'latin1');
          const got = (() => {
            try {
              return parseDataUrl(bytes, MAX).bytes.toString('hex');
            } catch (error) {
              return (error as RelayError).code;
            }
          })();
          assert.equal(got, expected, `byte ${byte} at ${position} of ${payload}`);
        }
      }
      const across = `data:image/png;base64,${groups.slice(0, TEXT_PIECE_LENGTH - 2)}${String.fromCharCode(byte)}${groups.slice(TEXT_PIECE_LENGTH - 1)}`;
      const alphabet = /[A-Za-z0-9+/]/.test(String.fromCharCode(byte));
      if (alphabet) assert.equal(parseDataUrl(Buffer.from(across, 'latin1'), large).bytes.length, (groups.length / 4) * 3);
      else assert.equal(refusal(Buffer.from(across, 'latin1'), large), 'invalid_base64', `byte ${byte} across pieces`);
    }
  });

  it('refuses an image over the limit before decoding it', () => {
    const big = Buffer.alloc(MAX + 1, 7).toString('base64');
    assert.equal(refusal(`data:image/png;base64,${big}`), 'image_too_large');
    assert.equal(parseDataUrl(`data:image/png;base64,${Buffer.alloc(MAX, 7).toString('base64')}`, MAX).bytes.length, MAX);
  });

  it('computes base64 lengths with padding', () => {
    assert.deepEqual([0, 1, 2, 3, 4].map(base64Length), [0, 4, 4, 4, 8]);
  });
});
