/**
 * Waits until `condition` holds, checking every few milliseconds; fails with `what` after a generous deadline.
 * For states the test cannot be told about (a server noticing a closed socket), not as a timing assertion.
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, deadlineMs = 15_000): Promise<void> {
  const giveUpAt = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > giveUpAt) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
