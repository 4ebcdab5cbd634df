/** SQL Server caps parameters at 2100; SQLite at 32766. Erase in chunks either way. */
export const ERASE_CHUNK = 500;

/** Splits ids into chunks small enough for one IN (...) list. */
export function chunks<T>(items: readonly T[], size = ERASE_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
