/**
 * MJPEG over HTTP: one `multipart/x-mixed-replace` response whose parts are JPEG frames, each replacing the last
 * (the format Netscape introduced for server push; RFC 2046 section 5.1.1 gives the multipart grammar).
 *
 * Each part is followed at once by the next delimiter. Browsers (Chrome, Firefox) show a part only when the
 * delimiter after it arrives, so a frame that ended at its last byte would stay invisible until the next image;
 * with the delimiter written right after the frame, a still camera's picture is on screen at once.
 */

/** Long and unlikely in image data; a frame that holds it anyway is never sent (see containsBoundary). */
export const MJPEG_BOUNDARY = 'image-relay-mjpeg-frame-7c1f3a';
export const MJPEG_CONTENT_TYPE = `multipart/x-mixed-replace; boundary=${MJPEG_BOUNDARY}`;

const DELIMITER = Buffer.from(`\r\n--${MJPEG_BOUNDARY}\r\n`, 'latin1');
const BOUNDARY_BYTES = Buffer.from(`--${MJPEG_BOUNDARY}`, 'latin1');

/** What opens the stream: the first delimiter, so the first frame's headers come next. */
export const MJPEG_PREAMBLE = Buffer.from(`--${MJPEG_BOUNDARY}\r\n`, 'latin1');

/**
 * What ends the stream: the closing delimiter (RFC 2046 section 5.1.1, `close-delimiter := delimiter "--"`).
 * Every frame is already followed by an opening delimiter, so the body part between the two is empty, which
 * the grammar allows; a client reading the stream sees it end cleanly rather than cut off mid-part.
 */
export const MJPEG_EPILOGUE = Buffer.from(`\r\n--${MJPEG_BOUNDARY}--\r\n`, 'latin1');

/** One part: its headers (Content-Length lets clients such as ffmpeg read it without scanning), the JPEG, the next delimiter. */
export function encodeMjpegPart(jpeg: Buffer): readonly Uint8Array[] {
  const headers = Buffer.from(`Content-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n`, 'latin1');
  return [headers, jpeg, DELIMITER];
}

/**
 * A publisher could put the boundary inside a JPEG (in a comment segment) to cut every viewer's stream at the
 * wrong place; such a frame is skipped.
 */
export function containsBoundary(jpeg: Buffer): boolean {
  return jpeg.includes(BOUNDARY_BYTES);
}
