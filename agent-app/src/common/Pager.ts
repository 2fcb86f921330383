/**
 * Keyset paging with next and previous. The relay hands out only a `nextCursor`, so going
 * back means remembering the cursor each visited page was fetched with: a stack, whose top
 * is the page shown. The first page's cursor is null.
 */
export interface Pager {
  readonly cursors: readonly (string | null)[];
}

export const FIRST_PAGE: Pager = { cursors: [null] };

export function currentCursor(p: Pager): string | null {
  return p.cursors[p.cursors.length - 1] ?? null;
}

/** 1-based number of the page shown. */
export function pageNumber(p: Pager): number {
  return p.cursors.length;
}

export function hasPrevious(p: Pager): boolean {
  return p.cursors.length > 1;
}

/** Moves to the page after the one shown; unchanged when there is none. */
export function nextPage(p: Pager, nextCursor: string | null): Pager {
  return nextCursor === null ? p : { cursors: [...p.cursors, nextCursor] };
}

export function previousPage(p: Pager): Pager {
  return hasPrevious(p) ? { cursors: p.cursors.slice(0, -1) } : p;
}
