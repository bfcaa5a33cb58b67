/**
 * Opens a bench subject by name. Each subject's code is reached through a dynamic import, so an
 * esbuild bundle with code splitting (cold-start.ts) keeps it in its own chunk and a child process
 * loads only the subject it measures.
 */
import type { Subject, SubjectName, SubjectOptions } from './types.js';

export async function openSubject(name: SubjectName, opts: SubjectOptions): Promise<Subject> {
  switch (name) {
    case 'attestkit-snp-genoa':
      return (await import('./attestkit-snp.js')).openAttestkitSnp(opts, 'genoa');
    case 'attestkit-snp-milan':
      return (await import('./attestkit-snp.js')).openAttestkitSnp(opts, 'milan');
    case 'attestkit-tdx':
      return (await import('./attestkit-tdx.js')).openAttestkitTdx(opts);
    case 'lit-sev-snp-milan':
      return (await import('./lit-sev-snp.js')).openLitSevSnp(opts);
    case 'dcap-qvl':
      return (await import('./dcap-qvl.js')).openDcapQvl(opts);
    case 'dcap-qvl-web':
      return (await import('./dcap-qvl.js')).openDcapQvlWeb(opts);
  }
}
