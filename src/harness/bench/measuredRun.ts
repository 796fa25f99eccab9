/**
 * A child process for `faultline bench`: one `faultline` command line, then its peak resident
 * memory on stderr. Each scaled workload runs in its own process so that its peak memory is its own
 * (Node reports only a process's own high-water mark).
 */
import { main } from '../../cli/main.js';

const code = await main(process.argv.slice(2));
process.stderr.write(`\nFAULTLINE_MAXRSS_KB=${process.resourceUsage().maxRSS}\n`);
process.exitCode = code;
