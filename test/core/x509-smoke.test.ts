import { expect, it } from 'vitest';
import { describeVectors, readVectorText, readVector } from '../support/vectors.js';
import { parseCertificates, parseCrl, verifyChain, spkiSha256, parseCertificate, checkCrl } from '../../src/core/x509.js';

describeVectors('x509 smoke', () => {
  it('milan chain', async () => {
    const [ask, ark] = parseCertificates(readVectorText('snp/roots/ask_ark_milan.pem'));
    expect(ark!.subject.text).toBe('CN=ARK-Milan,O=Advanced Micro Devices,ST=CA,L=Santa Clara,C=US,OU=Engineering');
    const vcek = parseCertificate(readVector('snp/milan-v2-gsg/vcek.der'));
    const r = await verifyChain({ root: ark!, intermediate: ask!, leaf: vcek, rootPins: [spkiSha256(ark!)], now: new Date('2024-01-01') });
    console.log(JSON.stringify(r, null, 1));
    const crl = parseCrl(readVector('snp/crl/genoa_ark.crl.der'));
    console.log(crl.revoked, crl.thisUpdate, crl.nextUpdate, crl.issuer.text);
    const [gask, gark] = parseCertificates(readVectorText('snp/roots/ask_ark_genoa.pem'));
    console.log(await checkCrl(crl, gark!, [gask!.serialHex, '020001'], { now: new Date('2024-01-01') }));
  });
});
