import type { Scheduler } from './Scheduler.js';
import { BLOCKED, type Task } from './Task.js';

/**
 * Spurious wakeups as an explored event. Before each step, every task asleep where it does not
 * recheck its wait condition (Task.noRecheck) is a candidate for a wake_up_process() that is not the
 * one it waits for: either one of the execution's `budget` arbitrary wakeups (`explore.
 * spurious_wakeups`: "there will be a wakeup, just not the one you were hoping for", Peter Zijlstra
 * in the 2015 thread), or a late rwsem wake_q entry (Task.strayWake). The chooser decides, so the
 * wakeup is part of the recorded, replayable schedule.
 */
export class SpuriousWakeups {
  private readonly cands: Task[] = [];

  constructor(
    readonly sched: Scheduler,
    public budget: number,
  ) {}

  /** Install as the scheduler's beforeStep, after whatever was there (e.g. --check-model). */
  install(): void {
    const prev = this.sched.beforeStep;
    this.sched.beforeStep = prev === null ? () => this.point() : (s) => (prev(s), this.point());
  }

  point(): void {
    const tasks = this.sched.tasks;
    const cands = this.cands;
    const any = this.budget > 0;
    let n = 0;
    for (let i = 0; i < tasks.length; i++) {
      const t = tasks[i]!;
      if (t.state === BLOCKED && t.noRecheck && (any || t.strayWake)) cands[n++] = t;
    }
    if (n === 0) return;
    const ch = this.sched.chooser;
    const c = ch.spurious !== undefined ? ch.spurious(cands, n) : null;
    if (c === null) return;
    const stray = c.strayWake;
    if (stray) c.strayWake = false;
    else this.budget--;
    this.sched.stats.spuriousWakeups++;
    this.sched.trace !== null && this.sched.log(c, 'wake_up_process', stray ? 'late rwsem wake_q wakeup (spurious)' : 'spurious wakeup');
    this.sched.fp?.beginPseudo(c.id, c.pending >= 0 ? c.pending - (c.pending & 3) + 1 : -1);
    c.wakeSpuriously();
  }
}
