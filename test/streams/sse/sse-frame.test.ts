import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeDataEventParts, encodeSseComment, encodeSseEvent, encodeSseRetry } from '../../../src/streams/sse/sse-frame.js';

describe('SSE framing', () => {
  it('writes an unnamed event with an id', () => {
    assert.equal(encodeSseEvent({ id: '1-0', data: 'hello' }).toString(), 'id: 1-0\ndata: hello\n\n');
  });

  it('splits multi-line data into data lines so no line break can start another field', () => {
    const frame = encodeSseEvent({ event: 'image', data: 'a\nid: forged\r\nb\rc' }).toString();
    assert.equal(frame, 'event: image\ndata: a\ndata: id: forged\ndata: b\ndata: c\n\n');
  });

  it('refuses CR or LF in single-line fields', () => {
    assert.throws(() => encodeSseEvent({ id: '1\nevent: x', data: '' }), TypeError);
    assert.throws(() => encodeSseEvent({ event: 'a\rb', data: '' }), TypeError);
    assert.throws(() => encodeSseComment('x\ny'), TypeError);
    assert.throws(() => encodeDataEventParts('1-0', [Buffer.from('data:image/png\n;base64,AAAA')]), TypeError);
    assert.throws(() => encodeDataEventParts('1-0\nevent: x', [Buffer.from('data:,')]), TypeError);
  });

  it('encodes a data: URL event as parts sharing the URL bytes, identical to the general encoder', () => {
    const url = Buffer.from(`data:image/png;base64,${Buffer.from([0, 1, 2, 250, 251, 252, 253]).toString('base64')}`);
    const parts = encodeDataEventParts('7-1', [url]);
    assert.equal(parts[1], url, 'the URL bytes are shared, not copied');
    assert.deepEqual(Buffer.concat(parts), encodeSseEvent({ id: '7-1', data: url.toString() }));
  });

  it('writes comments and retry hints', () => {
    assert.equal(encodeSseComment('heartbeat').toString(), ': heartbeat\n\n');
    assert.equal(encodeSseRetry(2000).toString(), 'retry: 2000\n\n');
  });
});
