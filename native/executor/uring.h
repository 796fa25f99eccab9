/*
 * The few io_uring calls the executor needs, by raw syscalls (no liburing): a ring with registered
 * buffers is how user space gets a FOLL_PIN | FOLL_LONGTERM pin of its own memory
 * (io_sqe_buffers_register -> io_pin_pages -> pin_user_pages_fast), and READ_FIXED / WRITE_FIXED
 * are the device writing and reading through that pin.
 */
#ifndef FAULTLINE_URING_H
#define FAULTLINE_URING_H

#include <stddef.h>
#include <stdint.h>

struct uring {
	int fd;
	void *sq, *cq, *sqes;
	size_t sq_len, cq_len, sqes_len;
	unsigned *sq_head, *sq_tail, *sq_mask, *sq_array;
	unsigned *cq_head, *cq_tail, *cq_mask;
	void *cqes;
};

/* 0 or -errno. */
int uring_init(struct uring *r);
void uring_exit(struct uring *r);
int uring_register_buffer(struct uring *r, void *addr, size_t len);
int uring_unregister_buffers(struct uring *r);
/* One READ_FIXED / WRITE_FIXED on fd at file offset off through registered buffer 0: bytes or -errno. */
long uring_rw_fixed(struct uring *r, int write, int fd, void *addr, size_t len, uint64_t off);

#endif
