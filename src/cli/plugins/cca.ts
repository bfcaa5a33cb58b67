/**
 * CLI plugin for Arm CCA attestation tokens (`cca-token`): tag-399 and tag-907 collections,
 * stand-alone CCA platform tokens and PSA tokens. `inspect` prints the envelope and every claim;
 * `verify` runs `verifyCcaToken`. The platform key (CPAK / IAK) comes from the demo manifest
 * (`platformKey`: a JWK or PEM file; or `trustAnchors`: a Veraison trust-anchor store), or from
 * `--collateral DIR` (every `*.json` trust-anchor store or JWK and every `*.pem` / `*.pub` public
 * key in it). `--nonce HEX` is the verifier's challenge (the realm challenge; a PSA or stand-alone
 * platform token's challenge). Manifest extras: `challenge` (hex nonce, the demo's `--nonce`),
 * `referenceValues` (a Veraison reference value store turned into the policy), `assumeAlgorithm`,
 * `realmEventLog` (a realm log replayed against the verified REMs), `formats` (the token formats
 * accepted, as `verifyCcaToken`'s option).
 *
 * The CLI identifies the evidence in a file and reports what it is, so it opts in to every format
 * `verifyCcaToken` knows (the library's default is `['cca']` alone) and names the format in the
 * title and facts: a PSA or stand-alone platform token is reported as such, never as a CCA token.
 * A manifest `formats` list narrows that.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  ccaKeyLookup,
  ccaPolicyFromReferenceValues,
  parseCcaReferenceValues,
  parseCcaToken,
  parseCcaTrustAnchorStore,
  verifyCcaRealmEventLog,
  verifyCcaToken,
  type CcaKeyInput,
  type CcaPlatformClaims,
  type CcaPolicy,
  type CcaRealmClaims,
  type CcaToken,
  type CcaTokenFormat,
  type CcaTrustAnchor,
  type CcaVerifyOptions,
  type CoseAlgorithmName,
} from '../../cca/index.js';
import { ledgerOk, type Check } from '../../index.js';
import { fromHex, toHex } from '../../index.js';
import type {
  CliContext,
  CliVerification,
  EvidenceFile,
  EvidencePlugin,
  Inspection,
} from '../registry.js';

type Rows = [string, string][];

/** The formats the CLI verifies unless a manifest narrows them: all it can identify. */
const CLI_FORMATS: readonly CcaTokenFormat[] = ['cca', 'cca-platform', 'psa'];

const TITLES: Readonly<Record<CcaTokenFormat, string>> = {
  cca: 'Arm CCA token',
  'cca-platform': 'Arm CCA platform token (stand-alone, no realm token)',
  psa: 'PSA attestation token',
};

const PREFIXES: readonly (readonly number[])[] = [
  [0xd9, 0x01, 0x8f], // tag 399 collection
  [0xd9, 0x03, 0x8b], // tag 907 CMW collection
  [0xd2, 0x84], // COSE_Sign1_Tagged
];

function parses(bytes: Uint8Array): CcaToken | undefined {
  try {
    return parseCcaToken(bytes);
  } catch {
    return undefined;
  }
}

function platformRows(c: CcaPlatformClaims): Rows {
  const rows: Rows = [
    ['profile', `${c.profile ?? '(none)'} [${c.profileKind}]`],
    ['challenge', toHex(c.challenge)],
    ['implementation id', toHex(c.implementationId)],
    ['instance id', toHex(c.instanceId)],
    ['lifecycle', `0x${c.lifecycle.toString(16).padStart(4, '0')} (${c.lifecycleState})`],
  ];
  if (c.config !== undefined) rows.push(['config', toHex(c.config)]);
  if (c.hashAlgorithm !== undefined) rows.push(['hash algorithm', c.hashAlgorithm]);
  if (c.clientId !== undefined) rows.push(['client id', String(c.clientId)]);
  if (c.bootSeed !== undefined) rows.push(['boot seed', toHex(c.bootSeed)]);
  if (c.certificationReference !== undefined) {
    rows.push(['certification reference', c.certificationReference]);
  }
  if (c.verificationService !== undefined)
    rows.push(['verification service', c.verificationService]);
  for (const u of c.unknownClaims) rows.push([`unknown claim ${String(u.key)}`, toHex(u.raw)]);
  return rows;
}

function realmRows(c: CcaRealmClaims): Rows {
  const rows: Rows = [
    ['profile', `${c.profile ?? '(none: legacy)'} [${c.profileKind}]`],
    ['challenge', toHex(c.challenge)],
    ['personalization value', toHex(c.personalizationValue)],
    ['hash algorithm', c.hashAlgorithm],
    ['RIM', toHex(c.initialMeasurement)],
    ...c.extensibleMeasurements.map((r, i): [string, string] => [`REM${i}`, toHex(r)]),
    [
      'RAK',
      `${c.rak.key.curve} ${c.rak.encoding}${c.rak.hasPrivateKey ? ' (CARRIES THE PRIVATE KEY)' : ''}`,
    ],
    ['RAK claim', toHex(c.publicKey)],
    ['RAK hash algorithm', c.publicKeyHashAlgorithm],
  ];
  if (c.instanceId !== undefined) rows.push(['realm instance id', toHex(c.instanceId)]);
  if (c.mecPolicy !== undefined) rows.push(['MEC policy', String(c.mecPolicy)]);
  for (const q of c.quirks) rows.push(['quirk', q]);
  for (const u of c.unknownClaims) rows.push([`unknown claim ${String(u.key)}`, toHex(u.raw)]);
  return rows;
}

function inspection(t: CcaToken): Inspection {
  const envelope: Rows = [['format', t.format]];
  if (t.collection !== undefined) {
    envelope.push(['collection tag', String(t.collection.tag)]);
    if (t.collection.contentFormat !== undefined) {
      envelope.push(['content format', String(t.collection.contentFormat)]);
    }
  }
  envelope.push([
    'platform COSE',
    `${t.platform.cose.algName ?? 'no alg'}, ${t.platform.cose.tagged ? 'tag 18' : 'untagged'}`,
  ]);
  if (t.realm !== undefined) {
    envelope.push([
      'realm COSE',
      `${t.realm.cose.algName ?? 'no alg'}, ${t.realm.cose.tagged ? 'tag 18' : 'untagged'}`,
    ]);
  }
  const sections: { heading: string; rows: Rows }[] = [
    { heading: 'Envelope', rows: envelope },
    {
      heading: t.format === 'psa' ? 'PSA claims' : 'Platform claims',
      rows: platformRows(t.platform.claims),
    },
    {
      heading: 'Software components',
      rows: t.platform.claims.softwareComponents.map((s, i): [string, string] => [
        `${i} ${s.measurementType ?? '(no type)'}${s.version !== undefined ? ` ${s.version}` : ''}`,
        `${toHex(s.measurementValue)}${s.signerId !== undefined ? ` signer ${toHex(s.signerId)}` : ''}`,
      ]),
    },
  ];
  if (t.realm !== undefined)
    sections.push({ heading: 'Realm claims', rows: realmRows(t.realm.claims) });
  return {
    title: t.format === 'psa' ? 'PSA attestation token' : 'Arm CCA attestation token',
    sections,
  };
}

function jsonOf(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

interface KeySources {
  platformKey?: CcaKeyInput;
  anchors: CcaTrustAnchor[];
  notes: string[];
}

/** Keys from the manifest, then from every key file in --collateral DIR. */
function keySources(ctx: CliContext): KeySources {
  const out: KeySources = { anchors: [], notes: [] };
  const m = ctx.manifest ?? {};
  if (typeof m.platformKey === 'string') {
    out.platformKey = ctx.readText(m.platformKey);
    out.notes.push(`platform key ${m.platformKey}`);
  }
  if (typeof m.trustAnchors === 'string') {
    out.anchors.push(...parseCcaTrustAnchorStore(ctx.readText(m.trustAnchors)));
    out.notes.push(`trust anchors ${m.trustAnchors}`);
  }
  const dir = ctx.collateralDir;
  if (dir !== undefined) {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (name.endsWith('.json')) {
        const json = jsonOf(ctx.readText(path));
        if (Array.isArray(json)) {
          out.anchors.push(...parseCcaTrustAnchorStore(json));
          out.notes.push(`trust anchors ${name}`);
        } else if (typeof json === 'object' && json !== null && 'kty' in json) {
          out.platformKey ??= json as JsonWebKey;
          out.notes.push(`platform key ${name}`);
        }
      } else if (name.endsWith('.pem') || name.endsWith('.pub')) {
        const text = ctx.readText(path);
        if (text.includes('PUBLIC KEY')) {
          out.platformKey ??= text;
          out.notes.push(`platform key ${name}`);
        }
      }
    }
  }
  return out;
}

function policyOf(ctx: CliContext, token: CcaToken): CcaPolicy {
  const m = ctx.manifest ?? {};
  let policy: CcaPolicy = {};
  if (typeof m.referenceValues === 'string') {
    const rv = parseCcaReferenceValues(ctx.readText(m.referenceValues));
    policy = ccaPolicyFromReferenceValues(rv, token.platform.claims.implementationId) ?? {
      implementationIds: rv.platform.map((p) => p.implementationId),
    };
  }
  if (ctx.nonce !== undefined) policy = { ...policy, challenge: ctx.nonce };
  else if (typeof m.challenge === 'string') policy = { ...policy, challenge: fromHex(m.challenge) };
  if (Array.isArray(m.allowedProfiles)) {
    policy = { ...policy, allowedProfiles: m.allowedProfiles.map(String) };
  }
  return policy;
}

/** The `cca-token` plugin. */
export const ccaTokenPlugin: EvidencePlugin = {
  id: 'cca-token',
  title: 'Arm CCA attestation token (or PSA / stand-alone platform token)',
  verifierInputs: ['nonce'],
  // No --now: a CCA token carries no validity period, so the instant changes nothing.
  verifyOptions: ['collateral'],
  detect(file: EvidenceFile): boolean {
    const b = file.bytes;
    const prefixed = PREFIXES.some((p) => p.every((x, i) => b[i] === x));
    return prefixed && parses(b) !== undefined;
  },
  inspect(file: EvidenceFile): Promise<Inspection> {
    return Promise.resolve(inspection(parseCcaToken(file.bytes)));
  },
  async verify(file: EvidenceFile, ctx: CliContext): Promise<CliVerification> {
    const token = parses(file.bytes);
    const sources = keySources(ctx);
    const m = ctx.manifest ?? {};
    const options: CcaVerifyOptions = {
      ...(sources.platformKey !== undefined ? { platformKey: sources.platformKey } : {}),
      ...(sources.anchors.length > 0 ? { platformKeyLookup: ccaKeyLookup(sources.anchors) } : {}),
      ...(token !== undefined ? { policy: policyOf(ctx, token) } : {}),
      ...(typeof m.assumeAlgorithm === 'string'
        ? { assumeAlgorithm: m.assumeAlgorithm as CoseAlgorithmName }
        : {}),
      formats: Array.isArray(m.formats) ? (m.formats as CcaTokenFormat[]) : CLI_FORMATS,
    };
    const result = await verifyCcaToken(file.bytes, options);
    // Freshness is the verifier's to prove: the CLI requires the challenge check, so a token
    // verified without --nonce (or a demo manifest's challenge) is NOT VERIFIED, as a quote is.
    const tokenChecks: readonly Check[] = result.checks.map((c) =>
      c.id !== 'cca.policy.challenge'
        ? c
        : {
            ...c,
            required: true,
            ...(c.status === 'skip'
              ? {
                  message:
                    'no verifier nonce: pass --nonce with the challenge you issued (without it the token could be a replay)',
                }
              : {}),
          },
    );
    // The --json result says what the CLI decided (the same checks, the same ok).
    const verdict = { ...result, ok: ledgerOk(tokenChecks), checks: tokenChecks };
    let checks: readonly Check[] = tokenChecks;
    let replay: unknown;
    if (typeof m.realmEventLog === 'string' && result.realmClaims !== undefined) {
      const log = await verifyCcaRealmEventLog(ctx.readFile(m.realmEventLog), result.realmClaims);
      checks = [...checks, ...log.checks];
      replay = log;
    }
    const facts: [string, string][] = [['key source', sources.notes.join(', ') || 'none']];
    if (result.token !== undefined) {
      const p = result.token.platform.claims;
      facts.push(
        [
          'format',
          `${result.token.format}${result.token.collection ? ` (tag ${result.token.collection.tag})` : ''}`,
        ],
        ['platform profile', p.profile ?? p.profileKind],
        ['implementation id', toHex(p.implementationId)],
        ['lifecycle', p.lifecycleState],
      );
      const r = result.realmClaims;
      if (r !== undefined) {
        facts.push(
          ['realm profile', r.profile ?? '(legacy)'],
          ['realm challenge', toHex(r.challenge)],
          ['RIM', toHex(r.initialMeasurement)],
        );
      }
    }
    const ok = ledgerOk(checks);
    return {
      title: `${TITLES[result.token?.format ?? 'cca']} ${file.path}`,
      ok,
      checks,
      facts,
      // --json: with a realm log, the combined verdict first, then each part's own result.
      result:
        replay === undefined ? verdict : { ok, checks, token: verdict, realmEventLog: replay },
    };
  },
};
