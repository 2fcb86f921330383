/** Whether two byte arrays hold the same bytes; compares four bytes at a time where it can. */
export function isSameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  const n = a.byteLength;
  const aligned = a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0;
  let i = 0;
  if (aligned) {
    const words = n >>> 2;
    const wa = new Uint32Array(a.buffer, a.byteOffset, words);
    const wb = new Uint32Array(b.buffer, b.byteOffset, words);
    for (let w = 0; w < words; w++) if (wa[w] !== wb[w]) return false;
    i = words << 2;
  }
  for (; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}
