import type { Strategy } from '../../src/core/Strategy.js';
import { faultaroundAll } from './faultaround-all.js';
import { faultaroundSkipMinor } from './faultaround-skip-minor.js';
import { faultaroundSkipUffd } from './faultaround-skip-uffd.js';
import { pteMarker } from './pte-marker.js';
import { uffdWpWritenotify } from './uffd-wp-writenotify.js';
import { vmaBitmap } from './vma-bitmap.js';
import { wpBitInPte } from './wp-bit-in-pte.js';

/** Seed 001: where the uffd-wp bit of a shmem mapping lives, and read fault-around. */
export const uffdWpShmem: Strategy[] = [wpBitInPte, vmaBitmap, pteMarker, faultaroundAll, faultaroundSkipMinor, faultaroundSkipUffd, uffdWpWritenotify];
