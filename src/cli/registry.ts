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

/** The AK the verifier trusts (`verify --ak FILE`), already decoded and checked. */
export interface TrustedAk {
  /** TPM2B_PUBLIC / TPMT_PUBLIC or DER SPKI bytes, or PEM SPKI text. */
  readonly key: Uint8Array | string;
  /** Where it came from, for the report: `--ak FILE`. */
  readonly source: string;
}

/** Inputs of the verifier that `verify` takes from flags, never from the evidence. */
export type VerifierInput = 'nonce' | 'ak' | 'allowSha1' | 'reportData';

/** The flag that sets each {@link VerifierInput}. */
export const VERIFIER_INPUT_FLAGS: Readonly<Record<VerifierInput, string>> = {
  nonce: '--nonce',
  ak: '--ak',
  allowSha1: '--allow-sha1',
  reportData: '--report-data',
};

/**
 * Options that only some evidence types use (`--collateral DIR`, `--now ISO`, `--product NAME`).
 * A plugin lists the ones it reads; the others are refused for it, so that a flag never takes
 * no effect silently.
 */
export type PluginOption = 'collateral' | 'now' | 'product';

/** The flag that sets each {@link PluginOption}. */
export const PLUGIN_OPTION_FLAGS: Readonly<Record<PluginOption, string>> = {
  collateral: '--collateral',
  now: '--now',
  product: '--product',
};

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
  /** `--nonce HEX`: the verifier's nonce (the demo reads the manifest's `nonce` instead). */
  readonly nonce?: Uint8Array;
  /** `--ak FILE`: the TPM AK the verifier trusts (the demo reads the manifest's `ak` instead). */
  readonly ak?: TrustedAk;
  /** `--allow-sha1`: accept SHA-1 PCR banks and signatures (tpm-quote, cvm-bundle). */
  readonly allowSha1?: boolean;
  /**
   * `--report-data HEX`: the 64-byte REPORT_DATA / REPORTDATA the verifier expects (snp-report,
   * snp-extended-report, tdx-quote), compared through the verifier's `policy.reportData`.
   */
  readonly reportData?: Uint8Array;
  /**
   * Reads a file relative to `baseDir` (or absolute). For the user's own paths only (demo
   * manifest, `--collateral`): a path named by the evidence goes through
   * `evidenceFiles` (plugins/evidence-files.ts), which confines it to the evidence's directory.
   */
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

/**
 * Which failed or skipped checks a failed `--fetch` download explains (docs/cli.md "Exit codes"):
 * check id → the fetcher items (`FetchFailure.item`: `vcek`, `certChain`, `crl`, `tcbInfo`, …)
 * it needs. Exit 3 ("no verdict") only when every failed check is in `failed` and every required
 * skipped check in `skipped`, each with at least one of its items not downloaded.
 */
export interface FetchDependentChecks {
  /** Checks that fail when one of their items could not be downloaded (they report it). */
  readonly failed: Readonly<Record<string, readonly string[]>>;
  /** Required checks that are skipped when one of their items could not be downloaded. */
  readonly skipped: Readonly<Record<string, readonly string[]>>;
  /**
   * For a failed check that can also fail for other reasons: true only when its own detail shows
   * that every cause was a download that failed (`failedItems`). Without an entry, a listed item
   * that failed explains the check.
   */
  readonly explains?: Readonly<
    Record<string, (check: Check, failedItems: ReadonlySet<string>) => boolean>
  >;
}

/** One evidence type the CLI understands. */
export interface EvidencePlugin {
  /** Stable id, e.g. `snp-report`. */
  readonly id: string;
  /** Human name, e.g. `AMD SEV-SNP attestation report`. */
  readonly title: string;
  /** Collateral services `verify` contacts with `--fetch` (none when absent). */
  readonly networkCollateral?: readonly ('AMD KDS' | 'Intel PCS')[];
  /** With `networkCollateral`: the checks a failed download explains (exit 3 rather than 1). */
  readonly fetchDependentChecks?: FetchDependentChecks;
  /**
   * `verify` flags this type uses (`--nonce`, `--ak`, `--allow-sha1`, `--report-data`); others
   * are refused.
   */
  readonly verifierInputs?: readonly VerifierInput[];
  /** `verify` options this type reads (`--collateral`, `--now`, `--product`); others are refused. */
  readonly verifyOptions?: readonly PluginOption[];
  /** `inspect` options this type reads (`--product`); others are refused. */
  readonly inspectOptions?: readonly PluginOption[];
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
