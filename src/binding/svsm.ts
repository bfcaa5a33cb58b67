/**
 * @module
 * `parseSvsmVtpmManifest`: the manifest an SVSM (AMD "Secure VM Service Module for SEV-SNP
 * Guests", 58019 rev. 1.00, chapter 7–8) returns with a VMPL-0 attestation report whose
 * REPORT_DATA is SHA-512(nonce ‖ manifest). Two shapes: the services manifest of
 * SVSM_ATTEST_SERVICES (a GUID table, GUIDs in mixed-endian bytes) and the single-service vTPM
 * manifest of SVSM_ATTEST_SINGLE_SERVICE — version 0: the EK TPMT_PUBLIC (COCONUT-SVSM
 * `vtpm_get_manifest`); version 1: u32 count ‖ count × TPMT_PUBLIC, one per primary endorsement
 * key (svsm-devel proposal "vTPM service attestation format update", Feb. 2025; not yet in the
 * published spec).
 */
import { AttestError } from '../core/errors.js';
import { ByteReader, assertBytes, assertCountFits, copyBytes } from '../core/bytes.js';
import { toHex } from '../core/encoding.js';
import { parseTpmtPublic, type TpmtPublic } from '../tpm/index.js';
import {
  SVSM_GUID_ENTRY_SIZE,
  SVSM_SERVICES_MANIFEST_GUID,
  SVSM_VTPM_SERVICE_GUID,
} from './layout.js';
import type { SvsmManifestParseOptions, SvsmServiceEntry, SvsmVtpmManifest } from './types.js';

/** Smallest TPMT_PUBLIC (type, nameAlg, attributes, empty authPolicy, params, unique). */
const MIN_TPMT_PUBLIC_SIZE = 12;

/** GUID text from its mixed-endian (EFI `bytes_le`) encoding. */
export function guidFromMixedEndian(b: Uint8Array): string {
  const h = toHex(b);
  const swap = (s: string): string => s.match(/../g)!.reverse().join('');
  return `${swap(h.slice(0, 8))}-${swap(h.slice(8, 12))}-${swap(h.slice(12, 16))}-${h.slice(
    16,
    20,
  )}-${h.slice(20, 32)}`;
}

/** Mixed-endian (EFI `bytes_le`) bytes of a GUID given in text form. */
export function guidToMixedEndian(guid: string): Uint8Array {
  const hex = guid.replace(/-/g, '');
  const swap = (s: string): string => s.match(/../g)!.reverse().join('');
  const ordered =
    swap(hex.slice(0, 8)) + swap(hex.slice(8, 12)) + swap(hex.slice(12, 16)) + hex.slice(16);
  return Uint8Array.from(ordered.match(/../g)!, (x) => parseInt(x, 16));
}

/**
 * Parses an SVSM vTPM attestation manifest: a services manifest (detected by its GUID) or a
 * single-service vTPM manifest of the given version. Spec: AMD 58019 rev. 1.00 §7 (Tables 11–13)
 * and §8; version 1 per the svsm-devel proposal of Feb. 2025.
 *
 * The keys are what the SVSM claims; `verifyReportDataBinding({ scheme: 'svsm' })` proves they
 * belong to the VMPL-0 report.
 *
 * @param bytes - the manifest exactly as returned (it is hashed as is).
 * @param options - `version` of a single-service manifest (default 0).
 * @returns the manifest kind, version, services (GUID table) and endorsement keys.
 * @throws {AttestError} `ERR_TRUNCATED`, `ERR_TRAILING_DATA`, `ERR_BAD_LENGTH` (sizes or offsets
 *   outside the manifest, count too large), `ERR_BAD_VALUE` (duplicate service GUID, zero keys),
 *   `ERR_MISSING_FIELD` (services manifest without a vTPM entry), and the TPMT_PUBLIC codes of
 *   `parseTpmtPublic` (offsets made absolute).
 * @example
 * ```ts
 * import { parseSvsmVtpmManifest } from 'attestkit/binding';
 * const m = parseSvsmVtpmManifest(manifestBytes);
 * m.endorsementKeys[0]?.type; // 'rsa'
 * ```
 */
export function parseSvsmVtpmManifest(
  bytes: Uint8Array,
  options: SvsmManifestParseOptions = {},
): SvsmVtpmManifest {
  assertBytes(bytes, 'bytes');
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an object');
  const version = options.version ?? 0;
  if (version !== 0 && version !== 1) throw new RangeError('version must be 0 or 1');
  // The result owns its bytes (raw, the vTPM manifest and every key are views of this copy): an
  // edit to the caller's buffer afterwards, or to the result, does not reach the other.
  bytes = copyBytes(bytes);

  if (
    bytes.length >= 16 &&
    guidFromMixedEndian(bytes.subarray(0, 16)) === SVSM_SERVICES_MANIFEST_GUID
  ) {
    const services = readServicesTable(bytes);
    const vtpm = services.filter((s) => s.guid === SVSM_VTPM_SERVICE_GUID);
    if (vtpm.length === 0) {
      throw new AttestError('ERR_MISSING_FIELD', {
        offset: 0,
        field: 'SVSM_SERVICES_MANIFEST',
        message: `no vTPM service entry (${SVSM_VTPM_SERVICE_GUID})`,
      });
    }
    const entry = vtpm[0]!;
    return {
      raw: bytes,
      kind: 'services',
      version,
      services,
      vtpmManifest: entry.data,
      endorsementKeys: readVtpmManifest(entry.data, version, entry.offset),
    };
  }
  return {
    raw: bytes,
    kind: 'single-service',
    version,
    vtpmManifest: bytes,
    endorsementKeys: readVtpmManifest(bytes, version, 0),
  };
}

function readServicesTable(bytes: Uint8Array): SvsmServiceEntry[] {
  const r = new ByteReader(bytes, 'SVSM_SERVICES_MANIFEST');
  r.skip(16, 'guid');
  const totalSize = r.u32le('total_size');
  if (totalSize !== bytes.length) {
    throw new AttestError(totalSize > bytes.length ? 'ERR_TRUNCATED' : 'ERR_TRAILING_DATA', {
      offset: totalSize > bytes.length ? 16 : totalSize,
      field: 'SVSM_SERVICES_MANIFEST.total_size',
      message: `total_size ${totalSize} but the manifest has ${bytes.length} bytes`,
    });
  }
  const countAt = r.offset;
  const count = r.u32le('count');
  assertCountFits(
    count,
    SVSM_GUID_ENTRY_SIZE,
    r.remaining,
    'SVSM_SERVICES_MANIFEST.count',
    countAt,
  );
  const headerEnd = SVSM_GUID_ENTRY_SIZE * (1 + count);
  const out: SvsmServiceEntry[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const at = r.offset;
    const guid = guidFromMixedEndian(r.borrow(16, `entries[${i}].guid`));
    const offset = r.u32le(`entries[${i}].offset`);
    const size = r.u32le(`entries[${i}].size`);
    if (offset < headerEnd || offset > bytes.length || size > bytes.length - offset) {
      throw new AttestError('ERR_BAD_LENGTH', {
        offset: at + 16,
        field: `SVSM_SERVICES_MANIFEST.entries[${i}]`,
        message: `entry data [${offset}, +${size}) lies outside the data area [${headerEnd}, ${bytes.length})`,
      });
    }
    if (seen.has(guid)) {
      throw new AttestError('ERR_BAD_VALUE', {
        offset: at,
        field: `SVSM_SERVICES_MANIFEST.entries[${i}].guid`,
        message: `service ${guid} listed twice`,
      });
    }
    seen.add(guid);
    out.push({ guid, offset, size, data: bytes.slice(offset, offset + size) });
  }
  return out;
}

function rebased(e: unknown, base: number): unknown {
  if (!(e instanceof AttestError) || base === 0) return e;
  return new AttestError(e.code, {
    ...(e.offset !== undefined ? { offset: e.offset + base } : { offset: base }),
    ...(e.field !== undefined ? { field: e.field } : {}),
    message: `in the vTPM manifest: ${e.message}`,
    cause: e,
  });
}

function readVtpmManifest(data: Uint8Array, version: 0 | 1, base: number): TpmtPublic[] {
  if (version === 0) {
    try {
      return [parseTpmtPublic(data)];
    } catch (e) {
      throw rebased(e, base);
    }
  }
  const r = new ByteReader(data, 'SVSM_VTPM_MANIFEST_V1', base);
  const count = r.u32le('count');
  if (count === 0) {
    throw new AttestError('ERR_BAD_VALUE', {
      offset: base,
      field: 'SVSM_VTPM_MANIFEST_V1.count',
      message: 'a version-1 manifest must list at least one endorsement key',
    });
  }
  assertCountFits(count, MIN_TPMT_PUBLIC_SIZE, r.remaining, 'SVSM_VTPM_MANIFEST_V1.count', base);
  const keys: TpmtPublic[] = [];
  let pos = 4;
  for (let i = 0; i < count; i++) {
    const rest = data.subarray(pos);
    const last = i === count - 1;
    let key: TpmtPublic | undefined;
    let error: unknown;
    try {
      key = parseTpmtPublic(rest);
    } catch (e) {
      error = e;
    }
    if (key !== undefined && !last) {
      throw new AttestError('ERR_TRUNCATED', {
        offset: base + data.length,
        field: `SVSM_VTPM_MANIFEST_V1.keys[${i + 1}]`,
        message: `count ${count} but the manifest ends after ${i + 1} keys`,
      });
    }
    if (key === undefined) {
      // TPMT_PUBLIC has no size prefix: one key ends where parseTpmtPublic finds trailing data,
      // and the key is then read again from exactly those bytes.
      const end =
        error instanceof AttestError && error.code === 'ERR_TRAILING_DATA'
          ? error.offset
          : undefined;
      if (last || end === undefined || end <= 0) throw rebased(error, base + pos);
      try {
        key = parseTpmtPublic(rest.subarray(0, end));
      } catch (inner) {
        throw rebased(inner, base + pos);
      }
    }
    keys.push(key);
    pos += key.raw.length;
  }
  return keys;
}
