/**
 * MJPEG over HTTP: one `multipart/x-mixed-replace` response whose parts are JPEG frames, each replacing the last
 * (the format Netscape introduced for server push; RFC 2046 section 5.1.1 gives the multipart grammar).
 *
 * Each frame is followed at once by the next delimiter and the next part's headers. Chrome puts a part on screen
 * only once it has parsed the headers of the part after it (its multipart parser finishes a part there), so a
 * stream that wrote a frame's headers in front of the frame showed each picture only when something came after
 * it: a channel that changes once a minute was up to a heartbeat (15 s, the repeated frame) late. With the
 * headers written ahead, every frame is on screen as soon as its last byte arrives. The price is
 * that a part cannot announce its Content-Length (its size is not known when its headers go out): clients find
 * the end of a part by its delimiter, as the multipart grammar has them do, and ffmpeg does.
 */

/** Long and unlikely in image data; a frame that holds it anyway is never sent (see containsBoundary). */
export const MJPEG_BOUNDARY = 'image-relay-mjpeg-frame-7c1f3a';
export const MJPEG_CONTENT_TYPE = `multipart/x-mixed-replace; boundary=${MJPEG_BOUNDARY}`;

const PART_HEADERS = 'Content-Type: image/jpeg\r\n\r\n';
const BOUNDARY_BYTES = Buffer.from(`--${MJPEG_BOUNDARY}`, 'latin1');

/** What follows every frame: the delimiter that ends it and the headers of the part that the next frame fills. */
const AFTER_FRAME = Buffer.from(`\r\n--${MJPEG_BOUNDARY}\r\n${PART_HEADERS}`, 'latin1');

/** What opens the stream: the first delimiter and the first part's headers, so the first frame's bytes come next. */
export const MJPEG_PREAMBLE = Buffer.from(`--${MJPEG_BOUNDARY}\r\n${PART_HEADERS}`, 'latin1');

/**
 * What ends the stream: the closing delimiter (RFC 2046 section 5.1.1, `close-delimiter := delimiter "--"`).
 * The part opened after the last frame is left empty, which the grammar allows; a client reading the stream sees
 * it end cleanly rather than cut off mid-part.
 */
export const MJPEG_EPILOGUE = Buffer.from(`\r\n--${MJPEG_BOUNDARY}--\r\n`, 'latin1');

/** One frame as the stream carries it: the JPEG, then the delimiter and the next part's headers. */
export function encodeMjpegPart(jpeg: Buffer): readonly Uint8Array[] {
  return [jpeg, AFTER_FRAME];
}

/**
 * A publisher could put the boundary inside a JPEG (in a comment segment) to cut every viewer's stream at the
 * wrong place; such a frame is skipped.
 */
export function containsBoundary(jpeg: Buffer): boolean {
  return jpeg.includes(BOUNDARY_BYTES);
}
