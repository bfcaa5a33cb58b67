/**
 * Files named by evidence (a `cvm-bundle`'s `report.bin`, `quote.msg`, `eventlog.bin`…). The
 * evidence is the prover's, so the names in it are too: a name must be relative, resolve (with
 * symbolic links followed) inside the evidence file's directory, and name a regular file of at
 * most {@link MAX_EVIDENCE_FILE_BYTES}, all checked before a byte is read — the place again on
 * the opened descriptor, so a directory swapped for a link between the check and the open is
 * caught. Otherwise the file is
 * refused with an `AttestError` (exit 2) that names the field and the path, never the content.
 * Files the user names (the evidence file, `--pcrs`, `--ak`, collateral, demo manifests) are read
 * with {@link readInputFile}: the same regular-file and size checks, without the confinement.
 */
import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readlinkSync,
  readSync,
  realpathSync,
  statSync,
} from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { AttestError } from '../../index.js';

/** Largest file a piece of evidence may name: 16 MiB (docs/cli.md "Files named by evidence"). */
export const MAX_EVIDENCE_FILE_BYTES: number = 16 * 1024 * 1024;

/**
 * Largest file the user names on the command line: the evidence file of `inspect`, `verify`,
 * `replay`, `kds-url` and `pcs-url`, a demo case's evidence, `--pcrs FILE` and `--ak FILE`
 * (docs/cli.md "Files you name"). 64 MiB: far above any report, quote, token or event log.
 */
export const MAX_INPUT_FILE_BYTES: number = 64 * 1024 * 1024;

/** Reads `size` bytes from an open descriptor: never more, even if the file grows meanwhile. */
function readAll(fd: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  while (at < out.length) {
    const n = readSync(fd, out, at, out.length - at, at);
    if (n === 0) break;
    at += n;
  }
  return at === out.length ? out : out.slice(0, at);
}

/**
 * Reads an opened file and closes it: a regular file of at most `maxBytes`, both checked on the
 * descriptor before a byte is read. `what` names it in errors (a path, or a quoted evidence name
 * with its `field`).
 */
function readOpened(fd: number, what: string, maxBytes: number, field?: string): Uint8Array {
  try {
    const st = fstatSync(fd);
    if (!st.isFile())
      throw new AttestError('ERR_BAD_VALUE', {
        ...(field !== undefined ? { field } : {}),
        message: `${what} is not a regular file (a directory, FIFO or device)`,
      });
    if (st.size > maxBytes)
      throw new AttestError('ERR_LIMIT_EXCEEDED', {
        ...(field !== undefined ? { field } : {}),
        message: `${what} has ${st.size} bytes (at most ${maxBytes})`,
      });
    return readAll(fd, st.size);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a file the user named (the evidence file, `--pcrs`, `--ak`, collateral files, demo
 * manifests): a regular file of at most `maxBytes`, checked on the opened descriptor before a
 * byte is read. The open does not block, so a FIFO without a writer is refused at once rather
 * than hanging the command, and a device such as `/dev/zero` is refused rather than read without
 * end.
 *
 * @param path - the path as given (resolved against the working directory).
 * @param maxBytes - the size cap (default {@link MAX_INPUT_FILE_BYTES}).
 * @returns the file's bytes.
 * @throws {AttestError} `ERR_BAD_VALUE` for a directory, FIFO, socket or device;
 *   `ERR_LIMIT_EXCEEDED` for a file over the cap. A missing or unreadable file throws the
 *   system error (`ENOENT`, `EACCES`), whose message names the path.
 */
export function readInputFile(path: string, maxBytes = MAX_INPUT_FILE_BYTES): Uint8Array {
  return readOpened(
    openSync(resolve(path), constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)),
    path,
    maxBytes,
  );
}

/**
 * {@link readInputFile} as UTF-8 text (invalid sequences replaced, a byte-order mark kept, as
 * `readFileSync(path, 'utf8')` reads it).
 */
export function readInputText(path: string, maxBytes = MAX_INPUT_FILE_BYTES): string {
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(readInputFile(path, maxBytes));
}

/** Reads the files one piece of evidence names, confined to its directory. */
export interface EvidenceFiles {
  /** The bytes of `name`; `field` names the evidence field (`tpm.attest`) in errors. */
  read(name: string, field: string): Uint8Array;
  /** The UTF-8 text of `name` (same rules as `read`). */
  readText(name: string, field: string): string;
  /** True when `name` is a regular file inside the directory (never throws). */
  isFile(name: string): boolean;
}

function refuse(field: string, name: string, why: string): AttestError {
  return new AttestError('ERR_BAD_VALUE', {
    field,
    message: `${JSON.stringify(name)} ${why}`,
  });
}

/**
 * The reader for files named by the evidence in `baseDir`.
 *
 * @param baseDir - the directory of the evidence file.
 * @param maxBytes - the size cap (default {@link MAX_EVIDENCE_FILE_BYTES}).
 * @returns the confined reader.
 */
export function evidenceFiles(baseDir: string, maxBytes = MAX_EVIDENCE_FILE_BYTES): EvidenceFiles {
  let root: string | undefined;
  const rootDir = (): string => (root ??= realpathSync(resolve(baseDir)));

  /** The real path of `name` inside the directory, or an error saying why not. */
  function locate(name: string, field: string): string {
    if (name.length === 0 || name.includes('\0'))
      throw refuse(field, name, 'is not a usable file name');
    if (isAbsolute(name) || /^[\\/]/.test(name) || /^[A-Za-z]:/.test(name))
      throw refuse(field, name, 'is absolute (evidence may only name files beside it)');
    let real: string;
    try {
      real = realpathSync(resolve(rootDir(), name));
    } catch (cause) {
      throw new AttestError('ERR_BAD_VALUE', {
        field,
        message: `${JSON.stringify(name)} does not exist beside the evidence`,
        cause,
      });
    }
    if (!inside(real)) throw refuse(field, name, "resolves outside the evidence's directory");
    return real;
  }

  function inside(real: string): boolean {
    const rel = relative(rootDir(), real);
    return !(rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel));
  }

  /**
   * Opens the located file and checks, on the descriptor, that it is still that file: a path
   * component swapped for a symbolic link after `locate` would otherwise open a file elsewhere.
   * Linux names the descriptor's file in /proc; elsewhere the file's identity (device, inode)
   * must equal that of the path resolved again after the open.
   */
  function open(real: string, name: string, field: string): number {
    // O_NONBLOCK: a FIFO swapped in cannot block the open (fstat then refuses it); O_NOFOLLOW:
    // the last component cannot have become a link.
    const fd = openSync(
      real,
      constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0),
    );
    let same: boolean;
    try {
      let actual: string | undefined;
      try {
        actual = readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        actual = undefined;
      }
      if (actual !== undefined) same = actual === real && inside(actual);
      else {
        const a = fstatSync(fd);
        const again = realpathSync(real);
        const b = statSync(again);
        same = again === real && inside(again) && a.dev === b.dev && a.ino === b.ino;
      }
    } catch {
      same = false;
    }
    if (!same) {
      closeSync(fd);
      throw refuse(field, name, 'changed while it was being opened (refused)');
    }
    return fd;
  }

  function read(name: string, field: string): Uint8Array {
    return readOpened(
      open(locate(name, field), name, field),
      JSON.stringify(name),
      maxBytes,
      field,
    );
  }

  return {
    read,
    readText(name, field) {
      return new TextDecoder('utf-8').decode(read(name, field));
    },
    isFile(name) {
      try {
        const real = locate(name, 'file');
        const fd = open(real, name, 'file');
        try {
          return fstatSync(fd).isFile();
        } finally {
          closeSync(fd);
        }
      } catch {
        return false;
      }
    },
  };
}
