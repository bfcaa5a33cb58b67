/** The list of CLI plugins, most specific detector first. Platforms add one import each. */
import type { EvidencePlugin } from '../registry.js';
import { bindingPlugins } from './binding.js';
import { ccaTokenPlugin } from './cca.js';
import { eventLogPlugins } from './eventlog.js';
import { snpPlugins } from './snp.js';
import { tdxPlugins } from './tdx.js';
import { tpmPlugins } from './tpm.js';

export const pluginList: readonly EvidencePlugin[] = [
  // Containers first: an Azure HCL report embeds an SNP report, a CVM bundle embeds everything.
  ...bindingPlugins,
  ...snpPlugins,
  ...tdxPlugins,
  ccaTokenPlugin,
  ...tpmPlugins,
  // Event logs last: their detectors are the most permissive.
  ...eventLogPlugins,
];
