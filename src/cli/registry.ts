/**
 * Evidence-type registry of the `attestkit` CLI. Each platform contributes one plugin file in
 * `src/cli/plugins/` and one line in `plugins` below.
 */
import type { Check, SnpFetcher, TdxFetcher } from '../index.js';

/** A file handed to a plugin. */
export interface EvidenceFile {
  readonly path: string;
  readonly bytes: Uint8Array;
  /** The UTF-8 text when the file decodes as text (JSON, PEM, ascii logs), else undefined. */
  readonly text: string | undefined;
}

/**
 * Network collateral sources. Present in a {@link CliContext} only when the user passed
 * `--fetch`; without it no plugin can reach the network.
 */
export interface CliFetchers {
  /** AMD KDS (VCEK, ASK/ASVK + ARK chain, CRL), `createKdsFetcher` over the on-disk cache. */
  readonly snp: SnpFetcher;
  /** Intel PCS v4 or a PCCS (TCB info, QE identity, CRLs), `createPcsFetcher`. */
  readonly tdx: TdxFetcher;
}

/** Context for a plugin call. */
export interface CliContext {
  /** `--collateral DIR`, resolved. */
  readonly collateralDir: string | undefined;
  /** `--now ISO`. */
  readonly now: Date | undefined;
  /** Per-evidence settings from an `examples/evidence/<case>/manifest.json` (demo), if any. */
  readonly manifest: Readonly<Record<string, unknown>> | undefined;
  /** Directory of the evidence file (manifest paths are relative to it). */
  readonly baseDir: string;
  /** `--product Milan|Genoa|Turin` (SEV-SNP reports that do not name their product). */
  readonly product?: string;
  /** `--fetch`: collateral from the network. Absent otherwise, and then nothing is fetched. */
  readonly fetchers?: CliFetchers;
  /** Reads a file relative to `baseDir` (or absolute). */
  readFile(path: string): Uint8Array;
  /** Reads a text file relative to `baseDir` (or absolute). */
  readText(path: string): string;
  /** True when a file exists relative to `baseDir`. */
  exists(path: string): boolean;
}

/** Readable fields of a parsed piece of evidence: [label, value] rows grouped in sections. */
export interface Inspection {
  readonly title: string;
  readonly sections: readonly {
    readonly heading: string;
    readonly rows: readonly (readonly [string, string])[];
  }[];
}

/** A verification as the CLI prints it. */
export interface CliVerification {
  readonly title: string;
  readonly ok: boolean;
  readonly checks: readonly Check[];
  /** Facts worth a line each in the summary (TCB status, product, measurements…). */
  readonly facts?: readonly (readonly [string, string])[];
  /** The full result object, printed as it is with `--json`. */
  readonly result: unknown;
}

/** One evidence type the CLI understands. */
export interface EvidencePlugin {
  /** Stable id, e.g. `snp-report`. */
  readonly id: string;
  /** Human name, e.g. `AMD SEV-SNP attestation report`. */
  readonly title: string;
  /** Collateral services `verify` contacts with `--fetch` (none when absent). */
  readonly networkCollateral?: readonly ('AMD KDS' | 'Intel PCS')[];
  /** True when the file looks like this type. Cheap and never throws. */
  detect(file: EvidenceFile): boolean;
  inspect(file: EvidenceFile, ctx: CliContext): Promise<Inspection>;
  verify(file: EvidenceFile, ctx: CliContext): Promise<CliVerification>;
}

import { pluginList } from './plugins/index.js';

/** Every registered plugin, most specific first. */
export const plugins: readonly EvidencePlugin[] = pluginList;

/** The first plugin that detects `file`, or undefined. */
export function detectPlugin(file: EvidenceFile): EvidencePlugin | undefined {
  return plugins.find((p) => {
    try {
      return p.detect(file);
    } catch {
      return false;
    }
  });
}
