import type { Strategy } from '../src/core/Strategy.js';
import { gupCow } from './gup-cow/index.js';
import { userEvents } from './user-events/index.js';
import { gupUnlock } from './gup-unlock/index.js';
import { uffdRetry } from './uffd-retry/index.js';
import { uffdWpShmem } from './uffd-wp-shmem/index.js';

/** Every strategy, by family. Adding a family: one folder and one line here. */
export const ALL_STRATEGIES: Strategy[] = [...gupCow, ...uffdRetry, ...gupUnlock, ...userEvents, ...uffdWpShmem];
