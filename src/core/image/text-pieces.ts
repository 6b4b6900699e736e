/**
 * V8 keeps strings over 128 KiB in its large-object space, where making one costs about a millisecond on a small
 * machine (the benchmark's profile: a third of a 200 KB publish). Megabyte data: URLs are therefore handled as
 * bytes and looked at through strings of at most this many characters (a multiple of 4, so base64 pieces decode
 * on their own).
 */
export const TEXT_PIECE_LENGTH = 64 * 1024;

