/**
 * A random hex ID for requests and transfers. crypto.randomUUID needs a secure context;
 * getRandomValues works on plain-http consoles and customer pages too.
 */
export function randomId(bytes = 12): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
}
