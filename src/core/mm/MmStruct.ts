import { RwSem } from '../sched/RwSem.js';
import { SpinLock } from '../sched/SpinLock.js';
import type { Scheduler } from '../sched/Scheduler.js';
import { READ, WRITE } from '../sched/Access.js';
import { stableObject } from '../sched/Footprint.js';
import { Pte } from './Pte.js';
import type { Vma } from './Vma.js';

/**
 * struct mm_struct: the address space. One page-table lock stands for the split PTL of the single
 * PMD our small VMAs live in.
 */
export class MmStruct {
  readonly mmap_lock: RwSem;
  readonly ptl: SpinLock;
  vmas: Vma[] = [];
  readonly pt: PageTable;
  /** MMF_HAS_PINNED (mm->has_pinned before 5.13): some FOLL_PIN happened in this mm. */
  hasPinned = false;
  /**
   * mm->write_protect_seq (57efa1fe5957, 5.11): a seqcount fork holds odd while it write-protects
   * the parent's COW ptes, which gup_fast with FOLL_PIN reads before and after its walk. Only kernels
   * whose hooks say so (the writeProtectSeq hook) bump or check it.
   */
  private _writeProtectSeq = 0;
  /** The seqcount as an object for partial-order reduction. */
  readonly writeProtectSeqObj: number;
  /** Torn down by exit_mmap. */
  dead = false;
  /** Where the next mmap goes, in pages; VMAs keep gaps so that they never merge. */
  nextVpn = 16;
  /** Per-mm state private to strategies (e.g. mm-gup-rwsem's semaphore), keyed by strategy. */
  readonly ext = new Map<string, unknown>();

  constructor(
    readonly sched: Scheduler,
    readonly id: number,
    readonly name: string,
  ) {
    this.mmap_lock = new RwSem(sched, `${name}.mmap_lock`, true);
    this.ptl = new SpinLock(sched, `${name}.ptl`);
    this.pt = new PageTable(sched, id);
    // Space 6 (swap and allocators) row 3: one seqcount per mm.
    this.writeProtectSeqObj = stableObject(6, 3, id);
  }

  /** raw_read_seqcount() / read_seqcount_retry()'s read. */
  get writeProtectSeq(): number {
    this.sched.touch(this.writeProtectSeqObj * 4 + READ);
    return this._writeProtectSeq;
  }

  /** raw_write_seqcount_begin() and _end(): each makes the count odd or even again. */
  bumpWriteProtectSeq(): void {
    this.sched.touch(this.writeProtectSeqObj * 4 + WRITE);
    this._writeProtectSeq++;
  }

  find_vma(vpn: number): Vma | null {
    for (const v of this.vmas) if (v.contains(vpn)) return v;
    return null;
  }

  vmaByName(name: string): Vma | null {
    for (const v of this.vmas) if (v.name === name) return v;
    return null;
  }

  /** pte_offset_map: the slot for a page, created empty on first use. */
  pte(vpn: number): Pte {
    let p = this.pt.get(vpn);
    if (p === undefined) {
      p = new Pte(stableObject(0, this.id, vpn), vpn, this.sched);
      this.pt.set(vpn, p);
      this.sched.touch(p.obj * 4 + WRITE);
    }
    return p;
  }
}

/**
 * The page table: pte slots by virtual page number. For partial-order reduction a slot's fields log
 * their own reads and writes (Pte); a walk that finds no slot reads the slot's absence, which the
 * step that creates it writes (MmStruct.pte). Most pte writes happen under the PTL, which orders them
 * anyway; what this catches is the lockless walkers (gup_fast, a user access through the TLB, the
 * harness peeking at memory) meeting a writer.
 */
export class PageTable extends Map<number, Pte> {
  constructor(
    readonly sched: Scheduler,
    readonly mmId: number,
  ) {
    super();
  }

  override get(vpn: number): Pte | undefined {
    const p = super.get(vpn);
    if (p === undefined && this.sched !== undefined && this.sched.fp !== null) this.sched.fp.touch(stableObject(0, this.mmId, vpn) * 4 + READ);
    return p;
  }
}
