import { describe, expect, it } from 'vitest';
import { LOCK, READ, WRITE, accessKind, accessObj } from '../../../src/core/sched/Access.js';
import type { Chooser } from '../../../src/core/sched/Chooser.js';
import { FootprintLog, signalObject, stableObject } from '../../../src/core/sched/Footprint.js';
import { Mutex } from '../../../src/core/sched/Mutex.js';
import { Scheduler } from '../../../src/core/sched/Scheduler.js';
import { SpinLock } from '../../../src/core/sched/SpinLock.js';
import type { KGen, Task } from '../../../src/core/sched/Task.js';
import { WaitQueue } from '../../../src/core/sched/WaitQueue.js';
import { DATA_GRANULE, Page, pageDataObject } from '../../../src/core/mm/Page.js';
import { MmStruct } from '../../../src/core/mm/MmStruct.js';
import { RwSem } from '../../../src/core/sched/RwSem.js';

/** Runs the lowest-numbered runnable task; logs footprints. */
function logging(): Chooser & { footprints: FootprintLog } {
  return { footprints: new FootprintLog(), choose: (r) => r[0]! };
}

/** The accesses step `i` recorded, as [object, kind] pairs. */
function steps(log: FootprintLog): [number, number][][] {
  const out: [number, number][][] = [];
  for (let i = 0; i < log.length; i++) out.push(log.footprint(i).map((a) => [accessObj(a), accessKind(a)]));
  return out;
}

describe('FootprintLog: what a step touches beyond what it announced', () => {
  it('records the announced access first, then a lock released inside the step', () => {
    const c = logging();
    const s = new Scheduler(c, 100);
    const l = new SpinLock(s, 'l');
    const x = s.newObject();
    s.spawn('A', null, false, function* (t: Task): KGen {
      yield* l.lock(t);
      yield x * 4 + WRITE;
      l.unlock(t);
    });
    s.run();
    const st = steps(c.footprints);
    expect(st[1]).toEqual([[l.id, LOCK]]);
    // The step that writes x also drops the lock: a waiter's acquire depends on it. Being A's last
    // step, it is also A's exit (which a signal sender looking for live threads depends on).
    expect(st[2]).toEqual([
      [x, WRITE],
      [l.id, WRITE],
      [signalObject('A'), WRITE],
    ]);
  });

  it('records a trylock as a lock access even when it fails', () => {
    const c = logging();
    const s = new Scheduler(c, 100);
    const m = new Mutex(s, 'm');
    let got: boolean | null = null;
    s.spawn('A', null, false, function* (t: Task): KGen {
      yield s.newObject() * 4 + READ;
      got = m.trylock(t);
    });
    s.run();
    expect(got).toBe(true);
    expect(steps(c.footprints)[1]).toContainEqual([m.id, LOCK]);
  });

  it('orders a wake after the sleep it ends: the waker writes what the sleeper waits on', () => {
    const c = logging();
    const s = new Scheduler(c, 100);
    const wq = new WaitQueue(s, 'wq');
    let flag = false;
    s.spawn('sleeper', null, false, function* (t: Task): KGen {
      while (!flag) yield* wq.wait(t);
    });
    s.spawn('waker', null, false, function* (): KGen {
      yield s.newObject() * 4 + WRITE;
      flag = true;
      wq.wakeAll();
    });
    s.run();
    const log = c.footprints;
    const waker = [...Array(log.length).keys()].find((i) => log.task[i] === 1 && log.footprint(i).includes(wq.id * 4 + WRITE));
    expect(waker).toBeDefined();
  });

  it('records page counts as accesses of the page and bytes as accesses of their data granules, reads as reads', () => {
    const c = logging();
    const s = new Scheduler(c, 100);
    const page = new Page(s, 1, 4096);
    const anchor = s.newObject();
    s.spawn('A', null, false, function* (): KGen {
      yield anchor * 4 + READ;
      void page.refcount;
      yield anchor * 4 + READ;
      page.refcount++;
      yield anchor * 4 + READ;
      page.data.fill(0xaa, 0, 16);
      yield anchor * 4 + READ;
      page.data.fill(0xbb, DATA_GRANULE - 1, DATA_GRANULE + 1);
    });
    s.run();
    const st = steps(c.footprints);
    expect(st[1]).toContainEqual([page.obj, READ]);
    expect(st[1]).not.toContainEqual([page.obj, WRITE]);
    expect(st[2]).toContainEqual([page.obj, WRITE]);
    // A store touches the bytes it stores to, not the struct page: it commutes with refcount
    // changes and with stores and DMA into other granules of the page.
    expect(st[3]).toContainEqual([pageDataObject(page.obj, 0), WRITE]);
    expect(st[3]).not.toContainEqual([page.obj, WRITE]);
    expect(st[3]).not.toContainEqual([pageDataObject(page.obj, 1), WRITE]);
    // A store across a granule boundary touches both.
    expect(st[4]).toContainEqual([pageDataObject(page.obj, 0), WRITE]);
    expect(st[4]).toContainEqual([pageDataObject(page.obj, 1), WRITE]);
  });

  it('names a pte slot the same whoever creates it first, and records every read and write of it', () => {
    const mk = () => {
      const c = logging();
      const s = new Scheduler(c, 100);
      for (let i = 0; i < 5; i++) s.newObject();
      return { c, s, mm: new MmStruct(s, 3, 'P') };
    };
    const a = mk();
    const b = mk();
    b.s.newObject();
    b.mm.pte(20);
    expect(a.mm.pte(17).obj).toBe(b.mm.pte(17).obj);
    const saved = a.mm.pte(17);
    a.s.spawn('A', null, false, function* (): KGen {
      yield a.s.newObject() * 4 + READ;
      a.mm.pt.get(18); // no slot yet: its absence is read
      yield a.s.newObject() * 4 + READ;
      void saved.kind; // through a reference an earlier step kept
      yield a.s.newObject() * 4 + READ;
      saved.write = true;
    });
    a.s.run();
    const st = steps(a.c.footprints);
    expect(st[1]).toContainEqual([stableObject(0, 3, 18), READ]);
    expect(st[2]).toContainEqual([saved.obj, READ]);
    expect(st[3]).toContainEqual([saved.obj, WRITE]);
  });

  it("records setting a pte's accessed or dirty bit to the value it has as a read, changing it as a write", () => {
    const c = logging();
    const s = new Scheduler(c, 100);
    const mm = new MmStruct(s, 3, 'P');
    const pte = mm.pte(17);
    s.spawn('A', null, false, function* (): KGen {
      yield s.newObject() * 4 + READ;
      pte.dirty = true; // was clear: a write
      yield s.newObject() * 4 + READ;
      pte.dirty = true; // already set: the store changes nothing, so it commutes with others like it
      pte.young = false; // already clear
      yield s.newObject() * 4 + READ;
      pte.young = true;
    });
    s.run();
    const st = steps(c.footprints);
    expect(st[1]).toContainEqual([pte.obj, WRITE]);
    expect(st[2]).toContainEqual([pte.obj, READ]);
    expect(st[2]).not.toContainEqual([pte.obj, WRITE]);
    expect(st[3]).toContainEqual([pte.obj, WRITE]);
  });

  it('records nothing when no explorer asked for footprints', () => {
    const s = new Scheduler({ choose: (r) => r[0]! }, 100);
    expect(s.fp).toBeNull();
    const page = new Page(s, 1, 4096);
    page.refcount++;
    expect(page.refcount).toBe(2);
  });

  it('orders a spawned task after the step that spawned it', () => {
    const c = logging();
    const s = new Scheduler(c, 100);
    s.spawn('parent', null, false, function* (): KGen {
      yield s.newObject() * 4 + READ;
      s.spawn('worker', null, true, function* (): KGen {
        yield s.newObject() * 4 + READ;
      });
    });
    s.run();
    const log = c.footprints;
    const parentStep = log.task.indexOf(0, 1);
    const workerStep = log.task.indexOf(1);
    expect(log.dependent(parentStep, workerStep)).toBe(true);
  });
});

describe('RwSem footprints: readers commute, writers do not', () => {
  /** Runs tasks A then B to completion (A first), each a list of rwsem operations; the log of steps. */
  function run(a: ('r' | 'w')[], b: ('r' | 'w')[]) {
    const c = logging();
    const s = new Scheduler(c, 100);
    const sem = new RwSem(s, 'mmap_lock');
    const body = (ops: ('r' | 'w')[]) =>
      function* (t: Task): KGen {
        for (const op of ops) {
          if (op === 'r') {
            yield* sem.down_read(t);
            sem.up_read(t);
          } else {
            yield* sem.down_write(t);
            sem.up_write(t);
          }
        }
      };
    s.spawn('A', null, false, body(a));
    s.spawn('B', null, false, body(b));
    expect(s.run().kind).toBe('done');
    const log = c.footprints;
    const of = (tid: number) => [...Array(log.length).keys()].filter((i) => log.task[i] === tid);
    return { log, a: of(0), b: of(1) };
  }
  const anyDependent = (r: ReturnType<typeof run>) => r.a.some((i) => r.b.some((j) => r.log.dependent(i, j)));

  it('two down_read()/up_read() pairs are independent', () => {
    expect(anyDependent(run(['r'], ['r']))).toBe(false);
  });

  it('a writer is ordered with a reader, and with another writer', () => {
    expect(anyDependent(run(['r'], ['w']))).toBe(true);
    expect(anyDependent(run(['w'], ['r']))).toBe(true);
    expect(anyDependent(run(['w'], ['w']))).toBe(true);
  });
});

describe('FootprintLog: signals', () => {
  it('orders a SIGKILL with the fatal_signal_pending() check it ends, and with the exit of the thread it is sent to', () => {
    const c = logging();
    const s = new Scheduler(c, 100);
    const x = s.newObject();
    let victim!: Task;
    s.spawn('P.main', null, false, function* (t: Task): KGen {
      victim = t;
      yield x * 4 + READ;
      if (t.fatal) return;
      yield x * 4 + READ;
    });
    s.spawn('kworker/0', null, true, function* (): KGen {
      yield (x + 1) * 4 + READ;
      victim.fatal = true;
    });
    s.run();
    const log = c.footprints;
    const sig = victim.signalObj;
    const check = [...Array(log.length).keys()].filter((i) => log.task[i] === 0 && log.footprint(i).includes(sig * 4 + READ));
    const kill = [...Array(log.length).keys()].filter((i) => log.task[i] === 1 && log.footprint(i).includes(sig * 4 + WRITE));
    const exit = [...Array(log.length).keys()].filter((i) => log.task[i] === 0 && log.footprint(i).includes(sig * 4 + WRITE));
    expect(check.length).toBeGreaterThan(0);
    expect(kill.length).toBe(1);
    expect(exit.length).toBe(1);
    expect(log.dependent(check[0]!, kill[0]!)).toBe(true);
    expect(log.dependent(exit[0]!, kill[0]!)).toBe(true);
  });

  it('names a task\'s signal object by its name, so a worker spawned in another order keeps it', () => {
    const a = new Scheduler(logging(), 10);
    const b = new Scheduler(logging(), 10);
    const body = function* (): KGen {};
    b.spawn('other', null, false, body);
    expect(a.spawn('P.main', null, false, body).signalObj).toBe(b.spawn('P.main', null, false, body).signalObj);
  });
});
