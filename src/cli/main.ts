/**
 * The `attestkit` command (bin entry): runs `runCli` on the process arguments and sets the exit
 * code — 0 verified (or inspected), 1 not verified, 2 usage or input error, 3 collateral could
 * not be fetched (`--fetch` only). The one part of attestkit allowed to use `node:` modules.
 */
import { runCli } from './run.js';

void runCli(process.argv.slice(2), {
  out: (text) => console.log(text),
  err: (text) => console.error(text),
}).then((code) => {
  process.exitCode = code;
});
