import type { Strategy } from '../../src/core/Strategy.js';
import { gupHold } from './gup-hold.js';
import { gupLocked } from './gup-locked.js';
import { gupSigbus } from './gup-sigbus.js';

/** Seed 002: userfaults reached from get_user_pages, and who holds mmap_lock while they wait. */
export const gupUnlock: Strategy[] = [gupHold, gupSigbus, gupLocked];
