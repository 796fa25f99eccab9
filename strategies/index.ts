import type { Reading, Strategy } from '../src/core/Strategy.js';
import { gupCow } from './gup-cow/index.js';
import { userEvents } from './user-events/index.js';
import { gupUnlock } from './gup-unlock/index.js';
import { uffdRetry, uffdRetryReadings } from './uffd-retry/index.js';
import { uffdWpShmem } from './uffd-wp-shmem/index.js';

/** Every strategy, by family. Adding a family: one folder and one line here. */
export const ALL_STRATEGIES: Strategy[] = [...gupCow, ...uffdRetry, ...gupUnlock, ...userEvents, ...uffdWpShmem];

/** Proposals that read as a composition of strategies, run by default with their family. */
export const ALL_READINGS: Reading[] = [...uffdRetryReadings];
