/** Runs the `attestkit` command in-process (`runCli`, the code behind `dist/cli/main.js`) and captures its output. */
import { runCli } from '../../../src/cli/run.js';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** `attestkit <argv…>`: exit code, stdout and stderr. */
export async function cli(...argv: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
