// A node:test reporter that writes one JSON line per failed test (file, name, nesting, error),
// so tests/run-tests.mjs can tell a failing test from a test file whose process failed after
// all its tests passed (a crash or a stray error at teardown).
export default async function* failureReporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:fail') continue;
    const { name, nesting, file, details } = event.data;
    const err = details?.error;
    const cause = err?.cause;
    yield `${JSON.stringify({
      file: file ?? null,
      name,
      nesting,
      error: String(cause?.message ?? cause ?? err?.message ?? err ?? ''),
      failureType: err?.failureType ?? null,
      exitCode: err?.exitCode ?? cause?.exitCode ?? null,
      signal: err?.signal ?? cause?.signal ?? null,
    })}\n`;
  }
}
