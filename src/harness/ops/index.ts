import type { OpDef } from './OpDef.js';
import { awaitOp } from './await.js';
import { dio_read } from './dio_read.js';
import { dio_wait } from './dio_wait.js';
import { dio_write } from './dio_write.js';
import { exit } from './exit.js';
import { fork } from './fork.js';
import { madvise } from './madvise.js';
import { mmap } from './mmap.js';
import { mprotect } from './mprotect.js';
import { munmap } from './munmap.js';
import { pin } from './pin.js';
import { pin_read } from './pin_read.js';
import { pin_write } from './pin_write.js';
import { pipe_read } from './pipe_read.js';
import { post } from './post.js';
import { read } from './read.js';
import { swapout } from './swapout.js';
import { unpin } from './unpin.js';
import { user_events_register } from './user_events_register.js';
import { user_events_set } from './user_events_set.js';
import { user_events_unregister } from './user_events_unregister.js';
import { vmsplice } from './vmsplice.js';
import { waitpid } from './waitpid.js';
import { write } from './write.js';
import { kvm_fault } from './kvm_fault.js';
import { ptrace_peek } from './ptrace_peek.js';
import { signal } from './signal.js';
import { spurious_wakeup } from './spurious_wakeup.js';
import { uffd_copy } from './uffd_copy.js';
import { uffd_handle } from './uffd_handle.js';
import { uffd_register } from './uffd_register.js';
import { uffd_unregister } from './uffd_unregister.js';
import { uffd_wake } from './uffd_wake.js';
import { uffd_writeprotect } from './uffd_writeprotect.js';
import { punch_hole } from './punch_hole.js';

const all: OpDef<any>[] = [
  read, write, fork, exit, waitpid, post, awaitOp, mmap, munmap, mprotect, madvise, swapout,
  dio_read, dio_write, dio_wait, vmsplice, pipe_read, pin, pin_read, pin_write, unpin,
  uffd_register, uffd_unregister, uffd_handle, uffd_copy, uffd_wake, uffd_writeprotect, spurious_wakeup, signal, ptrace_peek, kvm_fault,
  user_events_register, user_events_unregister, user_events_set,
  punch_hole,
];

/** Every op a workload may use, by name. */
export const OPS: ReadonlyMap<string, OpDef<any>> = new Map(all.map((o) => [o.name, o]));
