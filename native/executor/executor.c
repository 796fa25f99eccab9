/*
 * faultline-exec: run a compiled faultline workload on this machine's kernel, many times, and print
 * each run's user-visible outcome in the model's canonical form (src/harness/outcome/Outcome.ts):
 *
 *   <run>\t<ok|timeout|unkillable>\t<outcome>
 *
 * Processes are fork()ed, threads are pthreads, anon VMAs are private anonymous mmaps, shmem VMAs are
 * MAP_SHARED mappings of a memfd per `file:`, post/await are futexes on a page shared by every process
 * of the run. Each run is supervised: a run that does not end within the timeout is killed as a
 * whole (its process group) and its blocked ops are reported `stuck`. It touches only its own memory,
 * memfds and one unlinked temporary file (for O_DIRECT) in the directory it is given.
 *
 * Usage: faultline-exec WORKLOAD.json   (exit 0; 2 on bad input; 3 when the machine cannot run it)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <linux/futex.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "uring.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

enum opcode {
	OP_READ, OP_WRITE, OP_FORK, OP_EXIT, OP_WAITPID, OP_POST, OP_AWAIT, OP_MMAP, OP_MUNMAP,
	OP_MPROTECT, OP_MADVISE, OP_SWAPOUT, OP_DIO_READ, OP_DIO_WRITE, OP_DIO_WAIT, OP_VMSPLICE,
	OP_PIPE_READ, OP_PIN, OP_PIN_READ, OP_PIN_WRITE, OP_UNPIN, OP_PTRACE_PEEK, OP_UFFD_REGISTER,
	OP_UFFD_UNREGISTER, OP_UFFD_HANDLE, OP_UFFD_COPY, OP_UFFD_WRITEPROTECT, OP_UFFD_WAKE,
	OP_PUNCH_HOLE, OP_SIGNAL, OP_COUNT
};

static const char *const opnames[OP_COUNT] = {
	"read", "write", "fork", "exit", "waitpid", "post", "await", "mmap", "munmap",
	"mprotect", "madvise", "swapout", "dio_read", "dio_write", "dio_wait", "vmsplice",
	"pipe_read", "pin", "pin_read", "pin_write", "unpin", "ptrace_peek", "uffd_register",
	"uffd_unregister", "uffd_handle", "uffd_copy", "uffd_writeprotect", "uffd_wake",
	"punch_hole", "signal",
};

struct op {
	enum opcode code;
	int slot;
	int vma, h, ev, proc, file, until, count, write, wp, mode, features, prot, advice, type, pages, iface;
	long off, len, data, foff;
	int fill;
	char resolve;
	int bytes; /* records the bytes it read */
};

struct thread_decl {
	int nops;
	struct op *ops;
};

struct vma_decl {
	int slot, type, pages, prot, file;
};

struct proc_decl {
	int boot, nvmas, nthreads;
	struct vma_decl *vmas;
	struct thread_decl *threads;
};

/* The compiled workload. */
static long page_size;
static int nprocs, nvma, nevents, nslots, nhandles, nfiles;
static long data_bytes;
static struct proc_decl *procs;
static char **keys;
static int *file_pages;
static long runs, seed, delay_us, timeout_ms;
static int dio_fd = -1;

/* What every process of a run shares: futex words, results, bytes read. */
enum { ST_NONE, ST_RUNNING, ST_DONE };
struct shared {
	int *events;
	int *pids;
	int *status;
	int *code;   /* 0 ok, >0 errno, <0 -signal */
	int *nbytes; /* bytes a read returned, when fewer than asked (a short read); else -1 */
	int *procsig; /* the signal a process died of, or 0 */
	uint64_t *addrs; /* [proc][vma slot] */
	unsigned char *data;
	size_t size;
};
static struct shared sh;

/* Per process (each has its own copy after fork). */
static int me;              /* this process's index */
static int *memfds;
enum hkind { H_NONE, H_DIO, H_PIPE, H_PIN, H_UFFD };
struct handle {
	enum hkind kind;
	/* dio */
	struct iocb cb;
	int done;
	long res;
	/* pipe */
	int pipefd[2];
	long len;
	/* pin */
	struct uring ring;
	void *addr;
	int write;
	/* uffd */
	int fd;
	int children[64];
	int nchildren;
};
static struct handle *handles;
static pthread_mutex_t aio_lock = PTHREAD_MUTEX_INITIALIZER;
static aio_context_t aio_ctx;
static pid_t aio_owner;
static int scratch_fd = -1;
static pid_t scratch_owner;
static unsigned char *uffd_src;

/* volatile: the compiler knows memset does not read it and would drop the store before it. */
static __thread sigjmp_buf *volatile fault_jmp;
static __thread uint64_t rng;

static void die(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("faultline-exec: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(code);
}

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static long futex(int *uaddr, int op, int val, const struct timespec *ts)
{
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

static void wait_word(int *w)
{
	while (__atomic_load_n(w, __ATOMIC_ACQUIRE) == 0)
		futex(w, FUTEX_WAIT, 0, NULL);
}

static void set_word(int *w, int v)
{
	__atomic_store_n(w, v, __ATOMIC_RELEASE);
	futex(w, FUTEX_WAKE, 1 << 30, NULL);
}

/* A small seeded delay at an op boundary, so racing ops meet in different orders. */
static void delay(void)
{
	if (delay_us <= 0)
		return;
	uint64_t r = next_rand();
	if (r & 1)
		return;
	long us = (long)((r >> 1) % (uint64_t)(delay_us + 1));
	if (us < 20) {
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		do
			clock_gettime(CLOCK_MONOTONIC, &b);
		while ((b.tv_sec - a.tv_sec) * 1000000L + (b.tv_nsec - a.tv_nsec) / 1000 < us);
	} else {
		struct timespec ts = { 0, us * 1000L };
		nanosleep(&ts, NULL);
	}
}

static char *addr_of(int proc, int vma)
{
	return (char *)(uintptr_t)sh.addrs[(size_t)proc * nvma + vma];
}

static int prot_bits(int prot)
{
	return prot == 0 ? PROT_NONE : prot == 1 ? PROT_READ : PROT_READ | PROT_WRITE;
}

static void fault_handler(int sig)
{
	if (fault_jmp != NULL)
		siglongjmp(*fault_jmp, sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

static int map_vma(int slot, int type, int pages, int prot, int file)
{
	void *p;
	size_t len = (size_t)pages * page_size;
	if (type == 1)
		p = mmap(NULL, len, prot_bits(prot), MAP_SHARED, memfds[file], 0);
	else
		p = mmap(NULL, len, prot_bits(prot), MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return errno;
	sh.addrs[(size_t)me * nvma + slot] = (uint64_t)(uintptr_t)p;
	return 0;
}

/* The pid of a process of this run, once it exists. */
static pid_t pid_of(int proc)
{
	wait_word(&sh.pids[proc]);
	return sh.pids[proc];
}

static int aio_setup_here(void)
{
	/* An AIO context belongs to an mm: a forked child needs its own. */
	if (aio_owner != getpid()) {
		aio_ctx = 0;
		if (syscall(SYS_io_setup, 64, &aio_ctx) < 0)
			return errno;
		aio_owner = getpid();
	}
	return 0;
}

static int scratch(void)
{
	if (scratch_owner != getpid()) {
		scratch_fd = memfd_create("faultline-pin-scratch", MFD_CLOEXEC);
		scratch_owner = getpid();
	}
	return scratch_fd;
}

static int uffd_resolve(int fd, const struct op *o, unsigned long addr)
{
	int err = 0;
	addr &= ~(unsigned long)(page_size - 1);
	if (o->resolve == 'c' || o->resolve == 'z') {
		if (o->resolve == 'c') {
			struct uffdio_copy c = { .dst = addr, .src = (uintptr_t)uffd_src, .len = page_size, .mode = 0 };
			memset(uffd_src, o->fill, page_size);
			if (ioctl(fd, UFFDIO_COPY, &c) < 0)
				err = errno;
		} else {
			struct uffdio_zeropage z = { .range = { addr, page_size }, .mode = 0 };
			if (ioctl(fd, UFFDIO_ZEROPAGE, &z) < 0)
				err = errno;
		}
		if (err == EEXIST) {
			struct uffdio_range r = { addr, page_size };
			ioctl(fd, UFFDIO_WAKE, &r);
			err = 0;
		}
	} else if (o->resolve == 'u') {
		struct uffdio_writeprotect wp = { .range = { addr, page_size }, .mode = 0 };
		if (ioctl(fd, UFFDIO_WRITEPROTECT, &wp) < 0)
			err = errno;
	} else {
		struct uffdio_continue c = { .range = { addr, page_size }, .mode = 0 };
		if (ioctl(fd, UFFDIO_CONTINUE, &c) < 0)
			err = errno;
		if (err == EEXIST) {
			struct uffdio_range r = { addr, page_size };
			ioctl(fd, UFFDIO_WAKE, &r);
			err = 0;
		}
	}
	return err == ENOENT ? 0 : err;
}

/* A monitor thread: as uffd_handle in src/harness/ops/uffd_handle.ts. */
static int uffd_handle(const struct op *o)
{
	struct handle *h = &handles[o->h];
	int left = o->count > 0 ? o->count : o->until >= 0 ? -1 : 1;
	while (left != 0) {
		struct pollfd pf[65];
		int n = 0;
		pf[n++] = (struct pollfd){ h->fd, POLLIN, 0 };
		for (int i = 0; i < h->nchildren; i++)
			pf[n++] = (struct pollfd){ h->children[i], POLLIN, 0 };
		int r = poll(pf, n, 1);
		if (r < 0 && errno != EINTR)
			return errno;
		int got = 0;
		for (int i = 0; i < n && left != 0; i++) {
			if (!(pf[i].revents & POLLIN))
				continue;
			struct uffd_msg msg;
			ssize_t len = read(pf[i].fd, &msg, sizeof(msg));
			if (len != sizeof(msg))
				continue;
			got = 1;
			if (msg.event == UFFD_EVENT_FORK) {
				if (h->nchildren < 64)
					h->children[h->nchildren++] = (int)msg.arg.fork.ufd;
				continue;
			}
			if (msg.event != UFFD_EVENT_PAGEFAULT)
				continue;
			if (left > 0)
				left--;
			int err = uffd_resolve(pf[i].fd, o, (unsigned long)msg.arg.pagefault.address);
			if (err)
				return err;
		}
		if (!got && o->until >= 0 && __atomic_load_n(&sh.events[o->until], __ATOMIC_ACQUIRE))
			break;
	}
	return 0;
}

static int run_op(const struct op *o);

__attribute__((noinline)) static int do_read(const struct op *o, char *src)
{
	sigjmp_buf jb;
	int sig = sigsetjmp(jb, 1);
	if (sig)
		return -sig;
	fault_jmp = &jb;
	/* Byte by byte through a volatile pointer: the load itself is the op, not a library memcpy. */
	volatile const unsigned char *s = (volatile const unsigned char *)src;
	unsigned char *d = sh.data + o->data;
	for (long i = 0; i < o->len; i++)
		d[i] = s[i];
	fault_jmp = NULL;
	return 0;
}

__attribute__((noinline)) static int do_write(const struct op *o, char *dst)
{
	sigjmp_buf jb;
	int sig = sigsetjmp(jb, 1);
	if (sig)
		return -sig;
	fault_jmp = &jb;
	memset(dst, o->fill, o->len);
	fault_jmp = NULL;
	return 0;
}

static void start_process(int proc);

static int run_op(const struct op *o)
{
	struct handle *h = o->h >= 0 ? &handles[o->h] : NULL;
	char *at = o->vma >= 0 ? addr_of(me, o->vma) + o->off : NULL;
	switch (o->code) {
	case OP_READ:
		return do_read(o, at);
	case OP_WRITE:
		return do_write(o, at);
	case OP_FORK: {
		pid_t pid = fork();
		if (pid < 0)
			return errno;
		if (pid == 0) {
			memcpy(&sh.addrs[(size_t)o->proc * nvma], &sh.addrs[(size_t)me * nvma], nvma * sizeof(uint64_t));
			me = o->proc;
			start_process(o->proc);
		}
		return 0;
	}
	case OP_EXIT:
		return 0;
	case OP_WAITPID: {
		int fd = syscall(SYS_pidfd_open, pid_of(o->proc), 0);
		/* Gone and reaped already (by the run's supervisor): it has exited. */
		if (fd < 0)
			return errno == ESRCH ? 0 : errno;
		struct pollfd pf = { fd, POLLIN, 0 };
		while (poll(&pf, 1, -1) < 0 && errno == EINTR)
			;
		close(fd);
		return 0;
	}
	case OP_POST:
		set_word(&sh.events[o->ev], 1);
		return 0;
	case OP_AWAIT:
		wait_word(&sh.events[o->ev]);
		return 0;
	case OP_MMAP:
		return map_vma(o->vma, o->type, o->pages, o->prot, o->file);
	case OP_MUNMAP:
		return munmap(at, o->len) < 0 ? errno : 0;
	case OP_MPROTECT:
		return mprotect(at, o->len, prot_bits(o->prot)) < 0 ? errno : 0;
	case OP_MADVISE:
		return madvise(at, o->len, o->advice ? MADV_PAGEOUT : MADV_DONTNEED) < 0 ? errno : 0;
	case OP_SWAPOUT:
		return madvise(at, o->len, MADV_PAGEOUT) < 0 ? errno : 0;
	case OP_DIO_READ:
	case OP_DIO_WRITE: {
		pthread_mutex_lock(&aio_lock);
		int err = aio_setup_here();
		if (!err) {
			memset(&h->cb, 0, sizeof(h->cb));
			h->cb.aio_lio_opcode = o->code == OP_DIO_READ ? IOCB_CMD_PREAD : IOCB_CMD_PWRITE;
			h->cb.aio_fildes = dio_fd;
			h->cb.aio_buf = (uintptr_t)at;
			h->cb.aio_nbytes = o->len;
			h->cb.aio_offset = o->foff;
			h->cb.aio_data = (uintptr_t)h;
			h->done = 0;
			h->kind = H_DIO;
			struct iocb *cbs[1] = { &h->cb };
			if (syscall(SYS_io_submit, aio_ctx, 1, cbs) != 1)
				err = errno;
		}
		pthread_mutex_unlock(&aio_lock);
		return err;
	}
	case OP_DIO_WAIT: {
		if (h->kind != H_DIO)
			return EINVAL;
		pthread_mutex_lock(&aio_lock);
		while (!h->done) {
			struct io_event ev;
			long n = syscall(SYS_io_getevents, aio_ctx, 1, 1, &ev, NULL);
			if (n == 1) {
				struct handle *d = (struct handle *)(uintptr_t)ev.data;
				d->done = 1;
				d->res = ev.res;
			} else if (n < 0 && errno != EINTR) {
				pthread_mutex_unlock(&aio_lock);
				return errno;
			}
		}
		pthread_mutex_unlock(&aio_lock);
		return h->res < 0 ? (int)-h->res : 0;
	}
	case OP_VMSPLICE: {
		if (pipe(h->pipefd) < 0)
			return errno;
		h->kind = H_PIPE;
		h->len = o->len;
		struct iovec iov = { at, o->len };
		long n = vmsplice(h->pipefd[1], &iov, 1, 0);
		return n < 0 ? errno : 0;
	}
	case OP_PIPE_READ: {
		if (h->kind != H_PIPE)
			return EINVAL;
		long got = 0;
		while (got < h->len) {
			long n = read(h->pipefd[0], sh.data + o->data + got, h->len - got);
			if (n <= 0)
				return n < 0 ? errno : EIO;
			got += n;
		}
		return 0;
	}
	case OP_PIN: {
		int err = -uring_init(&h->ring);
		if (err)
			return err;
		err = -uring_register_buffer(&h->ring, at, o->len);
		if (err) {
			uring_exit(&h->ring);
			return err;
		}
		h->kind = H_PIN;
		h->addr = at;
		h->len = o->len;
		h->write = o->write;
		return 0;
	}
	case OP_PIN_READ: {
		if (h->kind != H_PIN)
			return EINVAL;
		int fd = scratch();
		long n = uring_rw_fixed(&h->ring, 1, fd, h->addr, h->len, 0);
		if (n < 0)
			return (int)-n;
		if (pread(fd, sh.data + o->data, h->len, 0) != h->len)
			return EIO;
		return 0;
	}
	case OP_PIN_WRITE: {
		if (h->kind != H_PIN)
			return EINVAL;
		if (!h->write)
			return EFAULT;
		int fd = scratch();
		unsigned char *buf = malloc(h->len);
		memset(buf, o->fill, h->len);
		long w = pwrite(fd, buf, h->len, 0);
		free(buf);
		if (w != h->len)
			return EIO;
		long n = uring_rw_fixed(&h->ring, 0, fd, h->addr, h->len, 0);
		return n < 0 ? (int)-n : 0;
	}
	case OP_UNPIN:
		if (h->kind != H_PIN)
			return EINVAL;
		uring_unregister_buffers(&h->ring);
		uring_exit(&h->ring);
		h->kind = H_NONE;
		return 0;
	case OP_PTRACE_PEEK: {
		pid_t pid = pid_of(o->proc);
		char *src = addr_of(o->proc, o->vma) + o->off;
		unsigned char *dst = sh.data + o->data;
		long n;
		if (o->iface == 2) {
			/* process_vm_readv(): pin_user_pages_remote with `locked`: it may wait for a userfault. */
			struct iovec l = { dst, o->len }, r = { src, o->len };
			n = process_vm_readv(pid, &l, 1, &r, 1, 0);
			if (n < 0)
				return errno;
		} else if (o->iface == 1) {
			/* /proc/PID/mem: access_remote_vm, a short read, EIO if nothing. */
			char path[64];
			snprintf(path, sizeof(path), "/proc/%d/mem", pid);
			int fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				return errno == ENOENT ? ESRCH : errno;
			n = pread(fd, dst, o->len, (off_t)(uintptr_t)src);
			int e = errno;
			close(fd);
			if (n < 0)
				return e;
			if (n == 0)
				return EIO;
		} else {
			/* PTRACE_PEEKDATA word by word on the stopped leader: EIO at the first word it cannot read. */
			if (ptrace(PTRACE_SEIZE, pid, 0, 0) < 0)
				return errno;
			int st, err = 0;
			if (ptrace(PTRACE_INTERRUPT, pid, 0, 0) < 0 || waitpid(pid, &st, __WALL) < 0)
				err = errno;
			for (n = 0; !err && n < o->len; n += sizeof(long)) {
				errno = 0;
				long word = ptrace(PTRACE_PEEKDATA, pid, src + n, 0);
				if (errno) {
					err = errno;
					break;
				}
				memcpy(dst + n, &word, o->len - n < (long)sizeof(long) ? (size_t)(o->len - n) : sizeof(long));
			}
			ptrace(PTRACE_DETACH, pid, 0, 0);
			if (err)
				return err;
			n = o->len;
		}
		if (n < o->len)
			sh.nbytes[o->slot] = (int)n;
		return 0;
	}
	case OP_UFFD_REGISTER: {
		int fd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
		if (fd < 0)
			return errno;
		struct uffdio_api api = { .api = UFFD_API, .features = (uint64_t)o->features };
		if (ioctl(fd, UFFDIO_API, &api) < 0) {
			int e = errno;
			close(fd);
			return e;
		}
		h->kind = H_UFFD;
		h->fd = fd;
		h->nchildren = 0;
		struct uffdio_register reg = { .range = { (uintptr_t)at, o->len }, .mode = (uint64_t)o->mode };
		return ioctl(fd, UFFDIO_REGISTER, &reg) < 0 ? errno : 0;
	}
	case OP_UFFD_UNREGISTER: {
		struct uffdio_range r = { (uintptr_t)at, o->len };
		return ioctl(h->fd, UFFDIO_UNREGISTER, &r) < 0 ? errno : 0;
	}
	case OP_UFFD_HANDLE:
		return uffd_handle(o);
	case OP_UFFD_COPY: {
		if (o->resolve == 'z') {
			struct uffdio_zeropage z = { .range = { (uintptr_t)at, o->len }, .mode = 0 };
			return ioctl(h->fd, UFFDIO_ZEROPAGE, &z) < 0 ? errno : 0;
		}
		void *src = mmap(NULL, o->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (src == MAP_FAILED)
			return errno;
		memset(src, o->fill, o->len);
		struct uffdio_copy c = { .dst = (uintptr_t)at, .src = (uintptr_t)src, .len = o->len, .mode = o->wp ? UFFDIO_COPY_MODE_WP : 0 };
		int err = ioctl(h->fd, UFFDIO_COPY, &c) < 0 ? errno : 0;
		munmap(src, o->len);
		return err;
	}
	case OP_UFFD_WRITEPROTECT: {
		struct uffdio_writeprotect wp = { .range = { (uintptr_t)at, o->len }, .mode = o->wp ? UFFDIO_WRITEPROTECT_MODE_WP : 0 };
		return ioctl(h->fd, UFFDIO_WRITEPROTECT, &wp) < 0 ? errno : 0;
	}
	case OP_UFFD_WAKE: {
		struct uffdio_range r = { (uintptr_t)at, o->len };
		return ioctl(h->fd, UFFDIO_WAKE, &r) < 0 ? errno : 0;
	}
	case OP_PUNCH_HOLE:
		return fallocate(memfds[o->file], FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, o->foff, o->len) < 0 ? errno : 0;
	case OP_SIGNAL:
		return kill(pid_of(o->proc), SIGKILL) < 0 ? errno : 0;
	case OP_COUNT:
		break;
	}
	return EINVAL;
}

struct thread_arg {
	int proc, thread;
};

/* Set once every thread of this process exists (see start_process). */
static int all_started;

static void *user_thread(void *p)
{
	struct thread_arg *a = p;
	wait_word(&all_started);
	const struct thread_decl *td = &procs[a->proc].threads[a->thread];
	rng = (uint64_t)seed * 0x9E3779B97F4A7C15ULL ^ ((uint64_t)a->proc << 40) ^ ((uint64_t)a->thread << 20) ^ (uint64_t)sh.size;
	rng ^= (uint64_t)__atomic_load_n(&sh.events[nevents], __ATOMIC_RELAXED) * 0xBF58476D1CE4E5B9ULL;
	if (rng == 0)
		rng = 1;
	for (int i = 0; i < td->nops; i++) {
		const struct op *o = &td->ops[i];
		delay();
		if (o->code == OP_POST) {
			/* Complete before anyone can see it: what the post lets happen (a kill) finds it done. */
			sh.code[o->slot] = 0;
			__atomic_store_n(&sh.status[o->slot], ST_DONE, __ATOMIC_RELEASE);
			set_word(&sh.events[o->ev], 1);
			continue;
		}
		__atomic_store_n(&sh.status[o->slot], ST_RUNNING, __ATOMIC_RELEASE);
		int r = run_op(o);
		sh.code[o->slot] = r;
		__atomic_store_n(&sh.status[o->slot], ST_DONE, __ATOMIC_RELEASE);
		if (r < 0) {
			/* A fatal signal: the process dies of it, as the model's FATAL results kill its threads. */
			kill(getpid(), SIGKILL);
			pause();
		}
		if (o->code == OP_EXIT)
			break;
	}
	return NULL;
}

/* The process's first thread: publish, start the declared threads, wait for them, exit. */
static void start_process(int proc)
{
	const struct proc_decl *pd = &procs[proc];
	int err = 0;
	if (pd->boot)
		for (int v = 0; v < pd->nvmas && !err; v++)
			err = map_vma(pd->vmas[v].slot, pd->vmas[v].type, pd->vmas[v].pages, pd->vmas[v].prot, pd->vmas[v].file);
	if (err)
		die(3, "mmap: %s", strerror(err));
	set_word(&sh.pids[proc], getpid());
	pthread_t *tids = calloc(pd->nthreads, sizeof(*tids));
	struct thread_arg *args = calloc(pd->nthreads, sizeof(*args));
	/*
	 * No thread runs until all exist: glibc's fork() holds its locks across the syscall, and a fork
	 * in a process whose userfaultfd has UFFD_EVENT_FORK blocks until the monitor thread reads the
	 * event, so a monitor still inside pthread_create() would never come (found by
	 * uffd-wp-shmem/fork-with-event-fork: runs stuck in fork).
	 */
	all_started = 0;
	for (int t = 0; t < pd->nthreads; t++) {
		args[t] = (struct thread_arg){ proc, t };
		if (pthread_create(&tids[t], NULL, user_thread, &args[t]))
			die(3, "pthread_create failed");
	}
	set_word(&all_started, 1);
	for (int t = 0; t < pd->nthreads; t++)
		pthread_join(tids[t], NULL);
	_exit(0);
}

/* One run, in its own process group: fork the boot processes, reap every process of the run. */
static void supervise(void)
{
	setpgid(0, 0);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	for (int f = 0; f < nfiles; f++) {
		memfds[f] = memfd_create("faultline-shmem", 0);
		if (memfds[f] < 0 || ftruncate(memfds[f], (off_t)file_pages[f] * page_size) < 0)
			die(3, "memfd: %s", strerror(errno));
	}
	for (int p = 0; p < nprocs; p++) {
		if (!procs[p].boot)
			continue;
		pid_t pid = fork();
		if (pid < 0)
			die(3, "fork: %s", strerror(errno));
		if (pid == 0) {
			me = p;
			start_process(p);
		}
	}
	for (;;) {
		int st;
		pid_t pid = waitpid(-1, &st, __WALL);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (WIFSIGNALED(st))
			for (int p = 0; p < nprocs; p++)
				if (sh.pids[p] == pid)
					sh.procsig[p] = WTERMSIG(st);
	}
	_exit(0);
}

static const char *result_name(int code, char *buf, size_t len)
{
	if (code == 0)
		return "ok";
	if (code < 0) {
		const char *s = sigabbrev_np(-code);
		snprintf(buf, len, "SIG%s", s ? s : "?");
		return buf;
	}
	const char *e = strerrorname_np(code);
	if (e)
		return e;
	snprintf(buf, len, "E%d", code);
	return buf;
}

static void print_bytes(const unsigned char *d, long len)
{
	long i = 0;
	int first = 1;
	while (i < len) {
		long j = i;
		while (j < len && d[j] == d[i])
			j++;
		printf("%s0x%02X*%ld", first ? "" : ",", d[i], j - i);
		first = 0;
		i = j;
	}
}

static const struct op *slot_op(int slot, int *proc)
{
	for (int p = 0; p < nprocs; p++)
		for (int t = 0; t < procs[p].nthreads; t++)
			for (int i = 0; i < procs[p].threads[t].nops; i++)
				if (procs[p].threads[t].ops[i].slot == slot) {
					*proc = p;
					return &procs[p].threads[t].ops[i];
				}
	return NULL;
}

static void print_outcome(long run, int timed_out)
{
	printf("%ld\t%s\t", run, timed_out == 2 ? "unkillable" : timed_out ? "timeout" : "ok");
	int first = 1;
	for (int s = 0; s < nslots; s++) {
		int p = 0;
		const struct op *o = slot_op(s, &p);
		char buf[32];
		const char *res;
		if (sh.status[s] == ST_NONE)
			continue;
		if (sh.status[s] == ST_RUNNING) {
			/* Killed in the middle of it: by a signal (the model's kill()), or stuck. */
			if (timed_out)
				res = "stuck";
			else if (sh.procsig[p] != 0)
				res = result_name(-SIGKILL, buf, sizeof(buf));
			else
				continue;
		} else
			res = result_name(sh.code[s], buf, sizeof(buf));
		printf("%s%s=%s", first ? "" : "; ", keys[s], res);
		if (sh.status[s] == ST_DONE && sh.code[s] == 0 && o != NULL && o->bytes) {
			putchar(':');
			print_bytes(sh.data + o->data, sh.nbytes[s] >= 0 ? sh.nbytes[s] : o->len);
		}
		first = 0;
	}
	putchar('\n');
	fflush(stdout);
}

static void load(const char *file)
{
	FILE *f = fopen(file, "r");
	if (f == NULL)
		die(2, "%s: %s", file, strerror(errno));
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *text = malloc(n + 1);
	if (fread(text, 1, n, f) != (size_t)n)
		die(2, "%s: short read", file);
	text[n] = '\0';
	fclose(f);
	char err[200];
	struct jval *w = json_parse(text, err, sizeof(err));
	if (w == NULL)
		die(2, "%s: %s", file, err);
	page_size = jint(w, "pageSize", 4096);
	if (page_size != sysconf(_SC_PAGESIZE))
		die(3, "the workload's page_size %ld is not this machine's (%ld)", page_size, sysconf(_SC_PAGESIZE));
	runs = jint(w, "runs", 100);
	seed = jint(w, "seed", 1);
	delay_us = jint(w, "delayUs", 50);
	timeout_ms = jint(w, "timeoutMs", 5000);
	nvma = jint(w, "nvma", 0);
	nevents = jint(w, "nevents", 0);
	nhandles = jint(w, "nhandles", 0);
	data_bytes = jint(w, "dataBytes", 0);
	const struct jval *k = jget(w, "keys");
	const struct jval *fp = jget(w, "files");
	const struct jval *ps = jget(w, "procs");
	if (k == NULL || k->type != J_ARR || ps == NULL || ps->type != J_ARR || fp == NULL || fp->type != J_ARR)
		die(2, "%s: keys, files and procs are required arrays", file);
	nslots = k->n;
	keys = calloc(nslots, sizeof(*keys));
	for (int i = 0; i < nslots; i++)
		keys[i] = k->items[i].str;
	nfiles = fp->n;
	file_pages = calloc(nfiles + 1, sizeof(int));
	for (int i = 0; i < nfiles; i++)
		file_pages[i] = (int)fp->items[i].num;
	nprocs = ps->n;
	procs = calloc(nprocs, sizeof(*procs));
	for (int p = 0; p < nprocs; p++) {
		const struct jval *pj = &ps->items[p];
		struct proc_decl *pd = &procs[p];
		pd->boot = jint(pj, "boot", 1);
		const struct jval *vs = jget(pj, "vmas"), *ts = jget(pj, "threads");
		pd->nvmas = vs ? vs->n : 0;
		pd->vmas = calloc(pd->nvmas + 1, sizeof(*pd->vmas));
		for (int v = 0; v < pd->nvmas; v++) {
			const struct jval *vj = &vs->items[v];
			pd->vmas[v] = (struct vma_decl){ jint(vj, "slot", 0), jint(vj, "type", 0), jint(vj, "pages", 1), jint(vj, "prot", 2), jint(vj, "file", -1) };
		}
		pd->nthreads = ts ? ts->n : 0;
		pd->threads = calloc(pd->nthreads + 1, sizeof(*pd->threads));
		for (int t = 0; t < pd->nthreads; t++) {
			const struct jval *os = jget(&ts->items[t], "ops");
			struct thread_decl *td = &pd->threads[t];
			td->nops = os ? os->n : 0;
			td->ops = calloc(td->nops + 1, sizeof(*td->ops));
			for (int i = 0; i < td->nops; i++) {
				const struct jval *oj = &os->items[i];
				struct op *o = &td->ops[i];
				const char *name = jstr(oj, "op", "");
				int c;
				for (c = 0; c < OP_COUNT; c++)
					if (!strcmp(opnames[c], name))
						break;
				if (c == OP_COUNT)
					die(2, "%s: unknown op '%s'", file, name);
				o->code = c;
				o->slot = jint(oj, "slot", 0);
				o->vma = jint(oj, "vma", -1);
				o->h = jint(oj, "h", -1);
				o->ev = jint(oj, "ev", -1);
				o->proc = jint(oj, "proc", -1);
				o->file = jint(oj, "file", -1);
				o->until = jint(oj, "until", -1);
				o->count = jint(oj, "count", 0);
				o->write = jint(oj, "write", 0);
				o->wp = jint(oj, "wp", 0);
				o->mode = jint(oj, "mode", 0);
				o->features = jint(oj, "features", 0);
				o->prot = jint(oj, "prot", 2);
				o->advice = jint(oj, "advice", 0);
				o->type = jint(oj, "type", 0);
				o->pages = jint(oj, "pages", 1);
				o->iface = jint(oj, "iface", 1);
				o->off = jint(oj, "off", 0);
				o->len = jint(oj, "len", 0);
				o->data = jint(oj, "data", 0);
				o->foff = jint(oj, "foff", 0);
				o->fill = jint(oj, "fill", 0);
				o->resolve = jstr(oj, "resolve", "copy")[0];
				if (!strcmp(jstr(oj, "resolve", "copy"), "continue"))
					o->resolve = 'n';
				o->bytes = jint(oj, "bytes", 0);
				if (o->slot < 0 || o->slot >= nslots || (o->h >= nhandles) || o->ev >= nevents || o->proc >= nprocs || o->vma >= nvma || o->file >= nfiles || o->until >= nevents || o->data + (o->bytes ? o->len : 0) > data_bytes)
					die(2, "%s: op %s (slot %d) refers outside the workload", file, name, o->slot);
			}
		}
	}
	/* The disk file O_DIRECT reads come from: each dio_read's region holds its fill. */
	const char *dir = jstr(w, "dioDir", NULL);
	const struct jval *fills = jget(w, "dioFills");
	long dio_bytes = jint(w, "dioBytes", 0);
	if (dir != NULL && dio_bytes > 0) {
		/* An unnamed file (O_TMPFILE): nothing is left behind, however the run ends. */
		dio_fd = open(dir, O_TMPFILE | O_RDWR | O_DIRECT | O_CLOEXEC, 0600);
		if (dio_fd < 0)
			die(3, "O_DIRECT temp file in %s: %s", dir, strerror(errno));
		void *buf;
		if (posix_memalign(&buf, 4096, dio_bytes))
			die(3, "out of memory");
		memset(buf, 0, dio_bytes);
		for (size_t i = 0; fills != NULL && i < fills->n; i++) {
			long off = jint(&fills->items[i], "off", 0), len = jint(&fills->items[i], "len", 0);
			if (off < 0 || len < 0 || off + len > dio_bytes)
				die(2, "%s: dioFills outside dioBytes", file);
			memset((char *)buf + off, (int)jint(&fills->items[i], "fill", 0), len);
		}
		if (pwrite(dio_fd, buf, dio_bytes, 0) != dio_bytes || fsync(dio_fd) < 0)
			die(3, "O_DIRECT write to %s: %s", dir, strerror(errno));
		free(buf);
	}
}

int main(int argc, char **argv)
{
	if (argc != 2)
		die(2, "usage: faultline-exec WORKLOAD.json");
	load(argv[1]);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fault_handler;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	memfds = calloc(nfiles + 1, sizeof(int));
	handles = calloc(nhandles + 1, sizeof(*handles));
	uffd_src = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	size_t words = (size_t)(nevents + 1) + nprocs + 3 * (size_t)nslots + nprocs;
	sh.size = words * sizeof(int) + 64 + (size_t)nprocs * nvma * sizeof(uint64_t) + data_bytes;
	void *mem = mmap(NULL, sh.size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		die(3, "mmap: %s", strerror(errno));
	int *w = mem;
	sh.events = w;
	w += nevents + 1;
	sh.pids = w;
	w += nprocs;
	sh.status = w;
	w += nslots;
	sh.code = w;
	w += nslots;
	sh.nbytes = w;
	w += nslots;
	sh.procsig = w;
	w += nprocs;
	sh.addrs = (uint64_t *)(((uintptr_t)w + 63) & ~(uintptr_t)63);
	sh.data = (unsigned char *)(sh.addrs + (size_t)nprocs * nvma);
	for (long r = 0; r < runs; r++) {
		memset(mem, 0, sh.size);
		for (int i = 0; i < nslots; i++)
			sh.nbytes[i] = -1;
		/* The run number seeds every thread's delays (the word after the events). */
		sh.events[nevents] = (int)r;
		pid_t sup = fork();
		if (sup < 0)
			die(3, "fork: %s", strerror(errno));
		if (sup == 0)
			supervise();
		int pfd = syscall(SYS_pidfd_open, sup, 0);
		struct pollfd pf = { pfd, POLLIN, 0 };
		int n;
		while ((n = poll(&pf, 1, (int)timeout_ms)) < 0 && errno == EINTR)
			;
		int timed_out = n == 0;
		if (timed_out)
			kill(-sup, SIGKILL);
		close(pfd);
		/*
		 * Reap the supervisor and, as subreaper, whatever of the run outlived it, killing what is
		 * left after the timeout. A task that still does not die of SIGKILL is stuck in the kernel
		 * (6.18: a thread spinning in io_uring_enter()'s io_cqring_wait() with SIGKILL pending,
		 * docs/real-kernel.md): its run is reported `unkillable` and no further run is made on a
		 * machine it occupies.
		 */
		struct timespec start, now;
		clock_gettime(CLOCK_MONOTONIC, &start);
		int killed = timed_out;
		for (;;) {
			int st;
			pid_t pid = waitpid(-1, &st, __WALL | WNOHANG);
			if (pid < 0 && errno == EINTR)
				continue;
			if (pid < 0)
				break;
			if (pid > 0)
				continue;
			clock_gettime(CLOCK_MONOTONIC, &now);
			long ms = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
			if (!killed && ms > timeout_ms) {
				kill(-sup, SIGKILL);
				killed = 1;
				clock_gettime(CLOCK_MONOTONIC, &start);
			} else if (killed && ms > 2000) {
				print_outcome(r, 2);
				return 0;
			}
			struct timespec tick = { 0, 1000000 };
			nanosleep(&tick, NULL);
		}
		print_outcome(r, timed_out);
	}
	return 0;
}
