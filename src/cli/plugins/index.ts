/** The list of CLI plugins, most specific detector first. Platforms add one import each. */
import type { EvidencePlugin } from '../registry.js';

export const pluginList: readonly EvidencePlugin[] = [];
