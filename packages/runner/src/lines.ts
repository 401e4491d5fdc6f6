/** Reading a staged NDJSON file back, line by line, synchronously (a generator any loop can pull from). */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'

/** Yields each non-empty line of `path`, reading up to 1 MiB at a time. */
export function* readLinesSync(path: string): IterableIterator<string> {
  const fd = openSync(path, 'r')
  try {
    // Sized to the file (most accounts' staged files are small) and not zero-filled: every byte read is overwritten
    // first. A fresh zeroed MiB per file cost about a millisecond per account.
    const buffer = Buffer.allocUnsafe(Math.max(1, Math.min(1024 * 1024, fstatSync(fd).size)))
    let rest = ''
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null)
      if (n === 0) break
      const lines = (rest + buffer.toString('utf8', 0, n)).split('\n')
      rest = lines.pop() ?? ''
      for (const line of lines) if (line !== '') yield line
    }
    if (rest !== '') yield rest
  } finally {
    closeSync(fd)
  }
}
