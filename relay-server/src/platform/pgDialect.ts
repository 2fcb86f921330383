/**
 * Translates the relay's SQLite-flavoured SQL to PostgreSQL, so stores and migrations keep one
 * text for both engines. String literals, quoted names and comments are set aside first (so a
 * `?` or a keyword inside them is never touched), the rewrites run on what is left, then they
 * are put back. What is rewritten:
 *
 * - `?` parameters become `$1`, `$2`…
 * - schema: `INTEGER PRIMARY KEY AUTOINCREMENT` (and an `id INTEGER PRIMARY KEY`) becomes an
 *   identity column; `INTEGER` becomes `BIGINT` (millisecond times do not fit 32 bits); `REAL`
 *   becomes `DOUBLE PRECISION`, `BLOB` `BYTEA`; `WITHOUT ROWID` and `PRAGMA` go;
 *   `CREATE TRIGGER … BEGIN SELECT RAISE(ABORT, 'why'); END` becomes a trigger calling
 *   `beacon_refuse('why')` (see PgDatabase.ts), which keeps append-only tables append-only;
 * - `INSERT OR IGNORE` becomes `INSERT … ON CONFLICT DO NOTHING`;
 * - `LIKE` becomes `ILIKE` (SQLite's LIKE ignores ASCII case);
 * - the scalar `MAX(a, b)` / `MIN(a, b)` become `GREATEST` / `LEAST`, `IFNULL` `COALESCE`;
 * - `strftime('%Y-%m-%d', ms / 1000, 'unixepoch')` becomes `to_char` of that UTC time.
 *
 * `COLLATE NOCASE` stays as written: PgDatabase creates a case-insensitive `nocase` collation.
 */

const OPEN = '\u0001';
const CLOSE = '\u0002';
const LITERAL = /\u0001(\d+)\u0002/g;

interface Masked {
  code: string;
  literals: string[];
}

/** Sets aside '…' strings, "…" names and comments as numbered placeholders. */
function mask(sql: string): Masked {
  const literals: string[] = [];
  let code = '';
  let i = 0;
  const keep = (end: number) => {
    code += `${OPEN}${literals.length}${CLOSE}`;
    literals.push(sql.slice(i, end));
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      let j = i + 1;
      for (;;) {
        j = sql.indexOf(c, j);
        if (j < 0) {
          j = sql.length;
          break;
        }
        if (sql[j + 1] === c) j += 2;
        else break;
      }
      keep(Math.min(j + 1, sql.length));
    } else if (c === '-' && sql[i + 1] === '-') {
      const j = sql.indexOf('\n', i);
      keep(j < 0 ? sql.length : j);
    } else if (c === '/' && sql[i + 1] === '*') {
      const j = sql.indexOf('*/', i + 2);
      keep(j < 0 ? sql.length : j + 2);
    } else {
      code += c;
      i++;
    }
  }
  return { code, literals };
}

function unmask(code: string, literals: readonly string[]): string {
  return code.replace(LITERAL, (_, n: string) => literals[Number(n)] ?? '');
}

/** Index of the `)` closing the `(` at `open`, or -1. */
function closingParen(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === '(') depth++;
    else if (code[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

/** The arguments of the call whose `(` is at `open`, split at top-level commas. */
function callArgs(code: string, open: number): { args: string[]; end: number } | null {
  const end = closingParen(code, open);
  if (end < 0) return null;
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open + 1; i < end; i++) {
    if (code[i] === '(') depth++;
    else if (code[i] === ')') depth--;
    else if (code[i] === ',' && depth === 0) {
      args.push(code.slice(start, i));
      start = i + 1;
    }
  }
  args.push(code.slice(start, end));
  return { args, end };
}

/** Rewrites each call of `name(` (last first, so earlier offsets stay valid). */
function rewriteCalls(code: string, name: RegExp, rewrite: (fn: string, args: string[]) => string | null): string {
  const starts = [...code.matchAll(name)].map((m) => ({ at: m.index, fn: m[1] ?? '', open: m.index + m[0].length - 1 }));
  for (const s of starts.reverse()) {
    const call = callArgs(code, s.open);
    if (!call) continue;
    const replaced = rewrite(s.fn, call.args);
    if (replaced !== null) code = code.slice(0, s.at) + replaced + code.slice(call.end + 1);
  }
  return code;
}

const STRFTIME_PARTS: Record<string, string> = { Y: 'YYYY', m: 'MM', d: 'DD', H: 'HH24', M: 'MI', S: 'SS' };

/** A strftime format as a to_char one: %Y → YYYY…, other letters quoted. */
function toCharFormat(format: string): string {
  return format.replace(/%([A-Za-z])|([A-Za-z]+)/g, (_, part: string | undefined, word: string | undefined) =>
    part ? (STRFTIME_PARTS[part] ?? '') : `"${word ?? ''}"`,
  );
}

function rewriteFunctions(code: string, literals: readonly string[]): string {
  code = rewriteCalls(code, /\b(MAX|MIN)\s*\(/gi, (fn, args) =>
    args.length > 1 ? `${fn.toUpperCase() === 'MAX' ? 'GREATEST' : 'LEAST'}(${args.join(',')})` : null,
  );
  return rewriteCalls(code, /\b(strftime)\s*\(/gi, (_, args) => {
    const literal = (a: string | undefined) => /^\s*\u0001(\d+)\u0002\s*$/.exec(a ?? '')?.[1];
    const format = literal(args[0]);
    const modifier = literal(args[2]);
    if (args.length !== 3 || format === undefined || modifier === undefined) return null;
    if (literals[Number(modifier)]?.toLowerCase() !== "'unixepoch'") return null;
    const text = (literals[Number(format)] ?? "''").slice(1, -1);
    return `to_char(to_timestamp(${args[1] ?? ''}) AT TIME ZONE 'UTC', '${toCharFormat(text)}')`;
  });
}

function rewriteSchema(code: string): string {
  return code
    .replace(
      /CREATE\s+TRIGGER\s+(\w+)\s+BEFORE\s+(UPDATE|DELETE|INSERT)\s+ON\s+(\w+)\s+BEGIN\s+SELECT\s+RAISE\s*\(\s*ABORT\s*,\s*(\u0001\d+\u0002)\s*\)\s*;\s*END/gi,
      'CREATE TRIGGER $1 BEFORE $2 ON $3 FOR EACH ROW EXECUTE FUNCTION beacon_refuse($4)',
    )
    .replace(/\bPRAGMA\b[^;]*;?/gi, '')
    .replace(/\bINTEGER\s+PRIMARY\s+KEY\s+AUTOINCREMENT\b/gi, 'BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY')
    .replace(/\bid\s+INTEGER\s+PRIMARY\s+KEY\b/gi, 'id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY')
    .replace(/\bINTEGER\b/gi, 'BIGINT')
    .replace(/\bREAL\b/gi, 'DOUBLE PRECISION')
    .replace(/\bBLOB\b/gi, 'BYTEA')
    .replace(/\bWITHOUT\s+ROWID\b/gi, '');
}

/** `INSERT OR IGNORE …` → `INSERT … ON CONFLICT DO NOTHING`, statement by statement. */
function rewriteInsertOrIgnore(code: string): string {
  return code
    .split(';')
    .map((statement) => {
      if (!/^\s*INSERT\s+OR\s+IGNORE\b/i.test(statement)) return statement;
      const plain = statement.replace(/INSERT\s+OR\s+IGNORE/i, 'INSERT');
      const returning = /\bRETURNING\b/i.exec(plain);
      const at = returning ? returning.index : plain.trimEnd().length;
      return `${plain.slice(0, at).trimEnd()} ON CONFLICT DO NOTHING${returning ? ' ' : ''}${plain.slice(at)}`;
    })
    .join(';');
}

function numberParameters(code: string): string {
  let n = 0;
  return code.replace(/\?/g, () => `$${++n}`);
}

const cache = new Map<string, string>();
const CACHE_LIMIT = 2000;

/** The PostgreSQL text of `sql` (cached: the relay's statements are a small, fixed set). */
export function toPostgres(sql: string): string {
  const hit = cache.get(sql);
  if (hit !== undefined) return hit;
  const { code, literals } = mask(sql);
  let out = rewriteSchema(code);
  out = out.replace(/\bIFNULL\s*\(/gi, 'COALESCE(').replace(/\bLIKE\b/gi, 'ILIKE');
  out = numberParameters(rewriteInsertOrIgnore(rewriteFunctions(out, literals)));
  const translated = unmask(out, literals);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(sql, translated);
  return translated;
}

/** The table an `INSERT INTO` statement writes, in lower case, or null for any other statement. */
export function insertTarget(sql: string): string | null {
  const { code } = mask(sql);
  if (/\bRETURNING\b/i.test(code)) return null;
  return /^\s*INSERT\s+(?:OR\s+IGNORE\s+)?INTO\s+(\w+)/i.exec(code)?.[1]?.toLowerCase() ?? null;
}

/** The tables whose `INSERT INTO t (col, …)` statements in `sql` name a column of `columns`. */
export function insertsNaming(sql: string, columns: ReadonlyMap<string, string>): string[] {
  const tables = new Set<string>();
  for (const m of mask(sql).code.matchAll(/\bINSERT\s+(?:OR\s+IGNORE\s+)?INTO\s+(\w+)\s*\(([^)]*)\)/gi)) {
    const table = (m[1] ?? '').toLowerCase();
    const column = columns.get(table);
    if (column && (m[2] ?? '').split(',').some((c) => c.trim().toLowerCase() === column)) tables.add(table);
  }
  return [...tables];
}
