import type { DioRequest } from '../../core/io/blockdev.js';
import type { Errno } from '../../core/mm/gup.js';
import type { PipeBuffer } from '../../core/io/pipe.js';
import type { PinHandle } from '../../core/io/pin.js';
import type { MmStruct } from '../../core/mm/MmStruct.js';
import type { Task } from '../../core/sched/Task.js';
import type { UserfaultfdCtx } from '../../core/uffd/userfaultfd.js';
import { WaitQueue } from '../../core/sched/WaitQueue.js';
import type { Scheduler } from '../../core/sched/Scheduler.js';
import { stableObject } from '../../core/sched/Footprint.js';
import { READ, WRITE } from '../../core/sched/Access.js';
import { TouchedMap } from '../../core/sched/TouchedMap.js';
import { nameHash } from '../oracle/Oracle.js';
import type { EnableBit } from '../oracle/Oracle.js';

/** Where a named mapping was placed, in pages; kept through fork and partial munmap. */
export interface Placement {
  name: string;
  start: number;
  pages: number;
  type: 'anon' | 'shmem';
}

export type Handle =
  /** `req` null: the request failed before any I/O (`err`), as AIO reports it: at completion. */
  | { kind: 'dio'; req: DioRequest | null; err: Errno | null; vma: string; off: number; len: number }
  | { kind: 'pipe'; buf: PipeBuffer; vma: string; off: number; len: number; t0: number }
  /** `t0`: when the pin was asked for; the device reads and writes the pages taken then. */
  | { kind: 'pin'; pin: PinHandle; vma: string; off: number; len: number; write: boolean; t0: number }
  /** A registered user_events enable bit: the kernel's (addr, bit) for unregister, and the oracle's record. */
  | { kind: 'user_event'; event: string; addr: number; bit: number; bitRec: EnableBit }
  /** A userfaultfd, and the children's contexts its monitor learnt from UFFD_EVENT_FORK. */
  | { kind: 'uffd'; ctx: UserfaultfdCtx; children: UserfaultfdCtx[] };

/** A user process of the workload: its mm, threads, and the handles its ops created. */
export class Proc {
  readonly tasks: Task[] = [];
  private _live = 0;
  private _exited = false;
  readonly exitWq: WaitQueue;
  /** Shared by the process's threads (one defines a handle, another uses it): logged per name. */
  readonly handles: Map<string, Handle>;
  readonly layout = new Map<string, Placement>();
  /** The process's thread count and exit state, as one object for partial-order reduction. */
  private readonly obj: number;

  constructor(
    private readonly sched: Scheduler,
    readonly name: string,
    public mm: MmStruct,
  ) {
    this.exitWq = new WaitQueue(sched, `${name} exit`);
    const h = nameHash(name);
    this.obj = stableObject(5, 3, h);
    this.handles = new TouchedMap(() => sched.fp, (k) => stableObject(5, 1, (h * 31 + nameHash(k)) & 0xffff));
  }

  /** Threads still running: the last one out tears the process down (which one it is is an order). */
  get live(): number {
    this.sched.touch(this.obj * 4 + READ);
    return this._live;
  }
  set live(v: number) {
    this.sched.touch(this.obj * 4 + WRITE);
    this._live = v;
  }
  get exited(): boolean {
    this.sched.touch(this.obj * 4 + READ);
    return this._exited;
  }
  set exited(v: boolean) {
    this.sched.touch(this.obj * 4 + WRITE);
    this._exited = v;
  }
}
