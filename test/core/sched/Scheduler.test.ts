import { describe, expect, it } from 'vitest';
import { KernelBug } from '../../../src/core/bug.js';
import { READ, WRITE, access } from '../../../src/core/sched/Access.js';
import { defaultChoice, type Chooser } from '../../../src/core/sched/Chooser.js';
import { Mutex } from '../../../src/core/sched/Mutex.js';
import { RwSem } from '../../../src/core/sched/RwSem.js';
import { Scheduler, ThreadExit, type RunEnd } from '../../../src/core/sched/Scheduler.js';
import { SpinLock } from '../../../src/core/sched/SpinLock.js';
import { BLOCKED, type Task } from '../../../src/core/sched/Task.js';
import { WaitQueue } from '../../../src/core/sched/WaitQueue.js';

/** A program: spawns its threads on a fresh scheduler and returns how to read its outcome. */
type Program<T> = (s: Scheduler) => () => T;

interface Outcome<T> {
  end: RunEnd;
  result: T;
  /** The index chosen at each choice point. */
  schedule: number[];
}

/**
 * Every schedule of a program, by depth-first search over the choice points: run once following a
 * prefix of choices (then always the first runnable task), then backtrack to the deepest choice
 * point with an untried alternative. The scheduler is deterministic, so a prefix replays exactly.
 */
function allSchedules<T>(program: Program<T>, maxSteps = 1000): Outcome<T>[] {
  const out: Outcome<T>[] = [];
  let prefix: number[] = [];
  for (;;) {
    const taken: number[] = [];
    const widths: number[] = [];
    const chooser: Chooser = {
      choose(runnable, n) {
        const c = taken.length < prefix.length ? prefix[taken.length]! : 0;
        taken.push(c);
        widths.push(n);
        return runnable[c]!;
      },
    };
    const s = new Scheduler(chooser, maxSteps);
    const result = program(s);
    const end = s.run();
    out.push({ end, result: result(), schedule: taken });
    let i = taken.length - 1;
    while (i >= 0 && taken[i]! + 1 >= widths[i]!) i--;
    if (i < 0) return out;
    prefix = [...taken.slice(0, i), taken[i]! + 1];
  }
}

/** Two threads each add one to a shared counter by load, then store: a read-modify-write. */
function counterProgram(withLock: boolean): Program<number> {
  return (s) => {
    const counter = { obj: s.newObject(), value: 0 };
    const lock = new SpinLock(s, 'counter_lock');
    for (const name of ['A', 'B']) {
      s.spawn(name, null, false, function* (t) {
        if (withLock) yield* lock.lock(t);
        yield access(counter.obj, READ);
        const v = counter.value;
        yield access(counter.obj, WRITE);
        counter.value = v + 1;
        if (withLock) lock.unlock(t);
      });
    }
    return () => counter.value;
  };
}

/** Always switch to another runnable task if there is one: maximal preemption. */
const alternate: Chooser = {
  choose(runnable, n, cur) {
    for (let i = 0; i < n; i++) if (runnable[i] !== cur) return runnable[i]!;
    return runnable[0]!;
  },
};

function runProgram<T>(program: Program<T>, chooser: Chooser, maxSteps = 1000): { end: RunEnd; result: T } {
  const s = new Scheduler(chooser, maxSteps);
  const result = program(s);
  const end = s.run();
  return { end, result: result() };
}

describe('Scheduler: finding a lost update', () => {
  it('the schedule without preemption runs each increment to completion', () => {
    const { end, result } = runProgram(counterProgram(false), { choose: defaultChoice });
    expect(end).toEqual({ kind: 'done' });
    expect(result).toBe(2);
  });

  it('a schedule that preempts between the load and the store loses an update', () => {
    const { end, result } = runProgram(counterProgram(false), alternate);
    expect(end).toEqual({ kind: 'done' });
    expect(result).toBe(1);
  });

  it('exhaustive search over the unprotected increment finds both the lost update and the correct sum', () => {
    const outcomes = allSchedules(counterProgram(false));
    expect(outcomes.every((o) => o.end.kind === 'done')).toBe(true);
    const results = new Set(outcomes.map((o) => o.result));
    expect(results).toEqual(new Set([1, 2]));
    // The search tried distinct schedules, not one schedule many times.
    expect(new Set(outcomes.map((o) => o.schedule.join(','))).size).toBe(outcomes.length);
  });

  it('exhaustive search finds no lost update once the increment holds a SpinLock', () => {
    const outcomes = allSchedules(counterProgram(true));
    expect(outcomes.length).toBeGreaterThan(1);
    for (const o of outcomes) {
      expect(o.end).toEqual({ kind: 'done' });
      expect(o.result).toBe(2);
    }
  });

  it('the maximally preempting schedule is also correct under the lock', () => {
    expect(runProgram(counterProgram(true), alternate).result).toBe(2);
  });
});

describe('Scheduler: how a run ends', () => {
  /** A takes m1 then m2; B takes them in `bOrder`. */
  function twoLocks(bOrder: 'same' | 'opposite'): Program<null> {
    return (s) => {
      const m1 = new Mutex(s, 'm1');
      const m2 = new Mutex(s, 'm2');
      const take = (first: Mutex, second: Mutex) =>
        function* (t: Task) {
          yield* first.lock(t);
          yield* second.lock(t);
          second.unlock(t);
          first.unlock(t);
        };
      s.spawn('A', null, false, take(m1, m2));
      s.spawn('B', null, false, bOrder === 'opposite' ? take(m2, m1) : take(m1, m2));
      return () => null;
    };
  }

  it('reports deadlock, naming the blocked tasks, when two tasks take two mutexes in opposite order', () => {
    const ends = allSchedules(twoLocks('opposite')).map((o) => o.end);
    expect(ends).toContainEqual({ kind: 'deadlock', blocked: ['A', 'B'] });
    // Not every schedule deadlocks: the no-preemption one completes.
    expect(ends).toContainEqual({ kind: 'done' });
  });

  it('reports no deadlock under any schedule when both tasks take the mutexes in the same order', () => {
    const ends = allSchedules(twoLocks('same')).map((o) => o.end);
    expect(ends.length).toBeGreaterThan(1);
    for (const e of ends) expect(e).toEqual({ kind: 'done' });
  });

  it('a task that never finishes hits the step bound: livelock', () => {
    const s = new Scheduler({ choose: defaultChoice }, 50);
    const obj = s.newObject();
    s.spawn('spinner', null, false, function* () {
      for (;;) yield access(obj, READ);
    });
    expect(s.run()).toEqual({ kind: 'livelock', steps: 50 });
    expect(s.steps).toBe(50);
  });

  it('a run that finishes well within the step bound is done', () => {
    const s = new Scheduler({ choose: defaultChoice }, 50);
    s.spawn('short', null, false, function* () {
      yield access(s.newObject(), READ);
      yield access(s.newObject(), READ);
    });
    expect(s.run()).toEqual({ kind: 'done' });
    // Two yields and the return: three steps.
    expect(s.steps).toBe(3);
  });

  it('a run that finishes on exactly the last allowed step is done, not livelock', () => {
    const s = new Scheduler({ choose: defaultChoice }, 3);
    s.spawn('short', null, false, function* () {
      yield access(s.newObject(), READ);
      yield access(s.newObject(), READ);
    });
    expect(s.run()).toEqual({ kind: 'done' });
  });

  it('a KernelBug thrown by a task ends the run with kind "bug", its message and the task', () => {
    const s = new Scheduler({ choose: defaultChoice }, 100);
    let after = false;
    s.spawn('ok', null, false, function* () {
      yield access(s.newObject(), READ);
    });
    s.spawn('buggy', null, false, function* () {
      yield access(s.newObject(), READ);
      throw new KernelBug('refcount underflow');
    });
    s.spawn('later', null, false, function* () {
      after = true;
    });
    expect(s.run()).toEqual({ kind: 'bug', message: 'refcount underflow', task: 'buggy' });
    // The run stops at the bug: the next task never ran.
    expect(after).toBe(false);
  });

  it('any other exception ends the run with kind "error", carrying the message (with stack) and the task', () => {
    const s = new Scheduler({ choose: defaultChoice }, 100);
    s.spawn('broken', null, false, function* () {
      yield access(s.newObject(), READ);
      throw new TypeError('cannot read x of undefined');
    });
    const end = s.run();
    expect(end.kind).toBe('error');
    if (end.kind !== 'error') return;
    expect(end.task).toBe('broken');
    expect(end.message).toContain('cannot read x of undefined');
    expect(end.message).toContain('TypeError');
  });

  it('ThreadExit ends only the throwing task; the run continues and completes', () => {
    const s = new Scheduler({ choose: defaultChoice }, 100);
    const exited: string[] = [];
    s.onTaskExit = (t) => exited.push(t.name);
    let reached = false;
    s.spawn('killed', null, false, function* () {
      yield access(s.newObject(), READ);
      throw new ThreadExit('SIGKILL');
    });
    s.spawn('survivor', null, false, function* () {
      yield access(s.newObject(), READ);
      reached = true;
    });
    expect(s.run()).toEqual({ kind: 'done' });
    expect(reached).toBe(true);
    expect(exited).toEqual(['killed', 'survivor']);
  });
});

describe('RwSem: writer preference', () => {
  /**
   * R1 holds the semaphore for read and waits on a gate; W then queues for write and R2 then asks
   * for read. The opener checks who is blocked and opens the gate; from then on the chooser runs R2
   * whenever it can, so without writer preference R2 would get in before W.
   */
  function scenario() {
    let phase2 = false;
    const byName = new Map<string, Task>();
    const chooser: Chooser = {
      choose(runnable, n, cur) {
        const r2 = byName.get('R2')!;
        if (phase2 && runnable.slice(0, n).includes(r2)) return r2;
        return defaultChoice(runnable, n, cur);
      },
    };
    const s = new Scheduler(chooser, 1000);
    const sem = new RwSem(s, 'mmap_lock');
    const gate = new WaitQueue(s, 'gate');
    let gateOpen = false;
    const log: string[] = [];
    const seen: { r2State: number; readers: string[]; queuedWriters: number } = { r2State: -1, readers: [], queuedWriters: -1 };
    const spawn = (name: string, body: (t: Task) => Generator<number, void, undefined>) => byName.set(name, s.spawn(name, null, false, body));
    spawn('R1', function* (t) {
      yield* sem.down_read(t);
      log.push('R1 in');
      while (!gateOpen) yield* gate.wait(t);
      log.push('R1 out');
      sem.up_read(t);
    });
    spawn('W', function* (t) {
      yield* sem.down_write(t);
      log.push('W in');
      yield access(s.newObject(), WRITE);
      log.push('W out');
      sem.up_write(t);
    });
    spawn('R2', function* (t) {
      yield* sem.down_read(t);
      log.push('R2 in');
      sem.up_read(t);
    });
    spawn('opener', function* () {
      yield access(s.newObject(), READ);
      seen.r2State = byName.get('R2')!.state;
      seen.readers = sem.readers.map((r) => r.name);
      seen.queuedWriters = sem.queuedWriters;
      phase2 = true;
      gateOpen = true;
      gate.wakeAll();
    });
    const end = s.run();
    return { end, log, seen };
  }

  it('a reader arriving after a queued writer waits even though only readers hold the lock', () => {
    const { end, seen } = scenario();
    expect(end).toEqual({ kind: 'done' });
    expect(seen.readers).toEqual(['R1']);
    expect(seen.queuedWriters).toBe(1);
    expect(seen.r2State).toBe(BLOCKED);
  });

  it('the queued writer gets the lock before the later reader, even when the reader is scheduled first', () => {
    const { log } = scenario();
    expect(log).toEqual(['R1 in', 'R1 out', 'W in', 'W out', 'R2 in']);
  });

  it('readers share the lock when no writer is queued', () => {
    const s = new Scheduler(alternate, 1000);
    const sem = new RwSem(s, 'mmap_lock');
    let both = false;
    for (const name of ['R1', 'R2']) {
      s.spawn(name, null, false, function* (t) {
        yield* sem.down_read(t);
        yield access(s.newObject(), READ);
        if (sem.readers.length === 2) both = true;
        yield access(s.newObject(), READ);
        sem.up_read(t);
      });
    }
    expect(s.run()).toEqual({ kind: 'done' });
    expect(both).toBe(true);
  });
});

describe('Locks taken by their own holder: the task sleeps, as in the kernel', () => {
  it('a down_write over a read hold of its own waits until someone else ends that hold (an O_DIRECT hold its completion drops, up_read_non_owner)', () => {
    const s = new Scheduler(alternate, 1000);
    const sem = new RwSem(s, 'P.gup_rwsem');
    const log: string[] = [];
    let submitter!: Task;
    s.spawn('P.t0', null, false, function* (t) {
      submitter = t;
      yield* sem.down_read(t); // dioBegin: held for read until the I/O completes
      s.spawn('dev.w1', null, true, function* () {
        yield access(s.newObject(), READ);
        yield access(s.newObject(), READ);
        log.push('dio complete');
        sem.up_read(submitter);
      });
      yield* sem.down_write(t); // fork while its own I/O is in flight
      log.push('fork in');
      sem.up_write(t);
    });
    expect(s.run()).toEqual({ kind: 'done' });
    expect(log).toEqual(['dio complete', 'fork in']);
  });

  it('a down_write over a hold nobody else ends is a deadlock, and the report says why', () => {
    const s = new Scheduler(alternate, 1000);
    const sem = new RwSem(s, 'P.gup_rwsem');
    s.spawn('P.t0', null, false, function* (t) {
      yield* sem.down_read(t);
      yield* sem.down_write(t);
    });
    s.spawn('P.t1', null, false, function* (t) {
      yield access(s.newObject(), READ);
    });
    expect(s.run()).toEqual({ kind: 'deadlock', blocked: ['P.t0 (down_write(P.gup_rwsem), which it holds for read itself)'] });
  });

  it('down_read while holding for write, a recursive mutex_lock and a recursive spin_lock are deadlocks of the holder', () => {
    type Body = (t: Task) => Generator<number, void, undefined>;
    const cases: [(s: Scheduler) => Body, string][] = [
      [
        (s) => {
          const l = new RwSem(s, 'sem');
          return function* (t) {
            yield* l.down_write(t);
            yield* l.down_read(t);
          };
        },
        'down_read(sem), which it holds for write itself',
      ],
      [
        (s) => {
          const l = new Mutex(s, 'm');
          return function* (t) {
            yield* l.lock(t);
            yield* l.lock(t);
          };
        },
        'mutex_lock(m), which it holds itself',
      ],
      [
        (s) => {
          const l = new SpinLock(s, 'ptl');
          return function* (t) {
            yield* l.lock(t);
            yield* l.lock(t);
          };
        },
        'spin_lock(ptl), which it holds itself',
      ],
    ];
    for (const [body, note] of cases) {
      const s = new Scheduler(alternate, 1000);
      s.spawn('A', null, false, body(s));
      expect(s.run()).toEqual({ kind: 'deadlock', blocked: [`A (${note})`] });
    }
  });
});
