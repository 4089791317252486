// A small RFC 4180 CSV reader (pure): comma-separated, fields optionally in double quotes, a doubled
// quote inside quotes is one quote, quoted fields may hold commas and line breaks; LF or CRLF line
// ends (a line break inside a field comes back as LF); a UTF-8 byte-order mark is ignored. Each record keeps the physical line it starts on, so errors
// can name the line a person sees in an editor. A quote inside an unquoted field is kept as text (as
// spreadsheet programs write it); an unterminated quoted field is an error naming its line.

export interface CsvRecord {
  /** 1-based physical line where the record starts */
  line: number;
  cells: string[];
}

export interface CsvProblem {
  line: number;
  message: string;
  messageZh: string;
}

export interface CsvResult {
  records: CsvRecord[];
  problems: CsvProblem[];
}

/** Parses CSV text into records (the header is the first record). Blank lines are skipped. */
export function parseCsv(text: string): CsvResult {
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  let line = 1;
  while (i < n) {
    const start = line;
    const cells: string[] = [];
    let field = '';
    let endOfRecord = false;
    while (!endOfRecord) {
      if (text[i] === '"') {
        // quoted field
        const quotedFrom = line;
        i++;
        let closed = false;
        while (i < n) {
          const ch = text[i]!;
          if (ch === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (ch === '\r' && text[i + 1] === '\n') {
            i++;
            continue;
          }
          if (ch === '\n') line++;
          field += ch;
          i++;
        }
        if (!closed) {
          problems.push({
            line: quotedFrom,
            message: `line ${quotedFrom}: a quoted field is never closed (a " is missing)`,
            messageZh: `第${quotedFrom}行:带引号的字段没有结束(缺少")`,
          });
          return { records, problems };
        }
        // after the closing quote: a comma, a line end or the end of the text
        let junk = '';
        while (i < n && text[i] !== ',' && text[i] !== '\n' && !(text[i] === '\r' && text[i + 1] === '\n')) junk += text[i++];
        if (junk.trim() !== '') {
          problems.push({
            line,
            message: `line ${line}: text after a closing quote (${JSON.stringify(junk.slice(0, 20))}); put the whole field in quotes and double the quotes inside it`,
            messageZh: `第${line}行:结束引号后还有内容(${JSON.stringify(junk.slice(0, 20))});请将整个字段放在引号内,字段内的引号写两次`,
          });
        }
      } else {
        while (i < n && text[i] !== ',' && text[i] !== '\n' && !(text[i] === '\r' && text[i + 1] === '\n')) field += text[i++];
      }
      cells.push(field);
      field = '';
      if (i >= n) endOfRecord = true;
      else if (text[i] === ',') i++;
      else {
        i += text[i] === '\r' ? 2 : 1;
        line++;
        endOfRecord = true;
      }
    }
    if (cells.length === 1 && cells[0]!.trim() === '') continue; // blank line
    records.push({ line: start, cells });
  }
  return { records, problems };
}
