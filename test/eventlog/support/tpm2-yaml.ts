/**
 * A line-oriented reader for the subset of tpm2_eventlog YAML that tpm2-tools' own fixtures use
 * (no YAML library is a dependency). Reads, per event: PCRIndex, EventType, digests, EventSize,
 * DevicePath, VariableName, UnicodeName, single-line String, BlobBase/BlobLength; and the final
 * `pcrs:` section.
 */
export interface YamlEvent {
  pcr: number;
  type: string;
  digests: Record<string, string>;
  eventSize?: number;
  devicePath?: string;
  variableName?: string;
  unicodeName?: string;
  string?: string;
  blobBase?: bigint;
  blobLength?: bigint;
}

function unescapeYaml(s: string): string {
  return s.replace(/\\(0|n|t|r|\\|"|x([0-9a-fA-F]{2}))/g, (_m, c: string, h?: string) =>
    c === '0'
      ? '\0'
      : c === 'n'
        ? '\n'
        : c === 't'
          ? '\t'
          : c === 'r'
            ? '\r'
            : h !== undefined
              ? String.fromCharCode(parseInt(h, 16))
              : c,
  );
}

export function readTpm2Yaml(text: string): {
  events: YamlEvent[];
  pcrs: Record<string, Record<number, string>>;
} {
  const lines = text.split('\n');
  const events: YamlEvent[] = [];
  const pcrs: Record<string, Record<number, string>> = {};
  let cur: YamlEvent | undefined;
  let alg: string | undefined;
  let inPcrs = false;
  let bank: string | undefined;
  for (const line of lines) {
    if (line.startsWith('pcrs:')) {
      inPcrs = true;
      continue;
    }
    if (inPcrs) {
      const b = /^ {2}(\w+):\s*$/.exec(line);
      if (b !== null) {
        bank = b[1]!;
        pcrs[bank] = {};
        continue;
      }
      const p = /^ {4}(\d+)\s*:\s*0x([0-9a-fA-F]+)/.exec(line);
      if (p !== null && bank !== undefined) pcrs[bank]![Number(p[1])] = p[2]!.toLowerCase();
      continue;
    }
    let m = /^ {2}PCRIndex: (\d+)/.exec(line);
    if (m !== null) {
      cur = { pcr: Number(m[1]), type: '', digests: {} };
      events.push(cur);
      continue;
    }
    if (cur === undefined) continue;
    if ((m = /^ {2}EventType: (\S+)/.exec(line)) !== null) cur.type = m[1]!;
    else if ((m = /^ {2}- AlgorithmId: (\S+)/.exec(line)) !== null) alg = m[1]!;
    else if ((m = /^ {4}Digest: "([0-9a-f]*)"/.exec(line)) !== null && alg !== undefined)
      cur.digests[alg] = m[1]!;
    else if ((m = /^ {2}Digest: "([0-9a-f]*)"/.exec(line)) !== null) cur.digests.sha1 = m[1]!;
    else if ((m = /^ {2}EventSize: (\d+)/.exec(line)) !== null) cur.eventSize = Number(m[1]);
    else if ((m = /^ {4}DevicePath: '(.*)'$/.exec(line)) !== null) cur.devicePath = m[1]!;
    else if ((m = /^ {4}VariableName: (\S+)/.exec(line)) !== null) cur.variableName = m[1]!;
    else if ((m = /^ {4}UnicodeName: (.*)$/.exec(line)) !== null) cur.unicodeName = m[1]!;
    else if ((m = /^ {4}String: "(.*)"$/.exec(line)) !== null) cur.string = unescapeYaml(m[1]!);
    else if ((m = /^ {4}BlobBase: (0x[0-9a-fA-F]+)/.exec(line)) !== null)
      cur.blobBase = BigInt(m[1]!);
    else if ((m = /^ {4}BlobLength: (0x[0-9a-fA-F]+)/.exec(line)) !== null)
      cur.blobLength = BigInt(m[1]!);
  }
  return { events, pcrs };
}
