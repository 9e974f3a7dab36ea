/**
 * A reader for the plain CSV files of the evaluation datasets: a header line, comma-separated
 * fields, no quoting (NAB's data and result files never quote), LF or CRLF line ends.
 */
import fs from 'node:fs/promises';

export interface CsvTable {
  header: string[];
  rows: string[][];
}

export function parseCsv(text: string): CsvTable {
  const lines = text.split(/\r?\n/).filter((line) => line.length > 0);
  if (lines.length === 0) return { header: [], rows: [] };
  const header = lines[0].split(',').map((h) => h.trim());
  const rows = lines.slice(1).map((line) => line.split(','));
  return { header, rows };
}

export async function readCsv(file: string): Promise<CsvTable> {
  return parseCsv(await fs.readFile(file, 'utf8'));
}

/** The index of a named column, or an error naming the file's actual columns. */
export function columnIndex(table: CsvTable, name: string, source = 'CSV'): number {
  const i = table.header.indexOf(name);
  if (i < 0) throw new Error(`${source}: no column "${name}" (columns: ${table.header.join(', ')})`);
  return i;
}
