/*
 * msg.h - framed messages between Vigil processes over a socketpair
 *
 * SYNOPSIS
 *	struct msg	*msg_new(uint32_t type, uint32_t id, uint32_t gen);
 *	void		 msg_free(struct msg *m);
 *	int		 msg_add_u8(struct msg *m, uint8_t v);
 *	int		 msg_add_u16(struct msg *m, uint16_t v);
 *	int		 msg_add_u32(struct msg *m, uint32_t v);
 *	int		 msg_add_u64(struct msg *m, uint64_t v);
 *	int		 msg_add_str(struct msg *m, const char *s);
 *	int		 msg_add_data(struct msg *m, const void *p, size_t n);
 *	int		 msg_send(int sock, const struct msg *m, int fd,
 *			    int timeout);
 *
 *	void		 msgbuf_init(struct msgbuf *mb, int sock, int allowfd);
 *	void		 msgbuf_clear(struct msgbuf *mb);
 *	ssize_t		 msgbuf_read(struct msgbuf *mb);
 *	int		 msgbuf_get(struct msgbuf *mb, struct msg **mp);
 *	int		 msgbuf_recv(struct msgbuf *mb, struct msg **mp,
 *			    int timeout);
 *
 *	int		 msg_get_u8(struct msg *m, uint8_t *v);
 *	int		 msg_get_u16(struct msg *m, uint16_t *v);
 *	int		 msg_get_u32(struct msg *m, uint32_t *v);
 *	int		 msg_get_u64(struct msg *m, uint64_t *v);
 *	int		 msg_get_str(struct msg *m, const char **s);
 *	int		 msg_get_data(struct msg *m, void *p, size_t n);
 *	size_t		 msg_left(const struct msg *m);
 *	int		 msg_end(struct msg *m);
 *	int		 msg_take_fd(struct msg *m);
 * DESCRIPTION
 *	One protocol for every socketpair between the supervisor and its
 *	children (STYLE.md conventions 8-13).  On the wire a message is a
 *	16-byte header in the host's byte order (both ends are on one host)
 *	followed by the payload:
 *
 *		uint32_t type	what it is (lib/av/msgtypes.h)
 *		uint32_t len	header + payload, at most MSG_MAXSIZE; the
 *				bit MSG_HASFD says that the message came
 *				with a descriptor (SCM_RIGHTS)
 *		uint32_t id	the request it belongs to, echoed in replies
 *		uint32_t gen	the sender's signature generation
 *
 *	The payload is a sequence of fields with no tags: u8, u16, u32, u64
 *	(native order, unaligned), strings (the bytes and a NUL; a string
 *	never holds a NUL) and raw bytes whose length both sides know.  The
 *	reader reads the fields in the order they were added.
 *
 *	Building.  msg_new() allocates an empty message; msg_add_*() append
 *	a field.  A failed addition (no memory, or the message would pass
 *	MSG_MAXSIZE) returns -1 and also marks the message failed: further
 *	additions do nothing and msg_send() refuses it, so a caller may test
 *	only the msg_send() result.  msg_free() releases a message, built or
 *	received, closing the descriptor a received one still holds
 *	(m may be NULL).
 *
 *	Sending.  msg_send() writes the whole message to sock with at most
 *	one descriptor (fd, or -1 for none), which the caller keeps (the
 *	peer receives a duplicate).  When sock is full it waits with poll()
 *	up to timeout milliseconds at a time (-1: no limit, 0: no wait).
 *	The descriptor goes with the first byte, so that the receiver pairs
 *	it with this message.
 *
 *	Receiving.  A struct msgbuf accumulates what a (usually non-blocking)
 *	socket delivers.  msgbuf_init() sets it up for sock, which it does
 *	not own; allowfd says whether descriptors may arrive (fd passing is
 *	opt-in: a descriptor that arrives on a msgbuf that did not allow it
 *	is closed at once, and a message that claims one is an error).
 *	msgbuf_read() reads once what is there; msgbuf_get() then hands out
 *	complete messages one by one, each a new struct msg that the caller
 *	frees, with the descriptor that came with it in m->fd (or -1).
 *	msgbuf_recv() is the blocking form for a child: it returns the next
 *	message, reading and polling (timeout milliseconds in all, -1 none)
 *	as needed.  msgbuf_clear() frees the buffer and closes descriptors
 *	received and not yet handed out; it does not close sock.
 *
 *	Reading.  msg_get_*() read the next field of a received message (or
 *	of a built one, from its start).  msg_get_str() points *s into the
 *	message, valid until msg_free().  msg_get_data() copies exactly n
 *	bytes.  A read past the end, or a string without its NUL, returns -1
 *	and marks the message failed, so that every later msg_get_*() and
 *	msg_end() fail too.  msg_end() checks that the message was read
 *	exactly: no failure and no byte left.  msg_left() is the number of
 *	unread bytes (for bounding counts before allocating).
 *	msg_take_fd() takes the descriptor out of a received message; the
 *	caller then owns it, and msg_free() no longer closes it.
 * ERRORS
 *	msg_new() returns NULL with errno ENOMEM.  msg_add_*() return 0, or
 *	-1 with errno ENOMEM or EMSGSIZE (payload beyond MSG_MAXSIZE); a
 *	string longer than the payload limit is EMSGSIZE too.
 *	msg_send() returns 0, or -1 with errno: EINVAL (a failed message),
 *	ETIMEDOUT (the peer did not read within timeout; part of the message
 *	may be in the socket, so the connection is unusable), EAGAIN (timeout
 *	0 and no room: nothing was written), or what sendmsg(2) and poll(2)
 *	report (EPIPE when the peer is gone).
 *	msgbuf_read() returns the number of bytes read, 0 at end of file, or
 *	-1 with errno (EAGAIN when there is nothing; ENOMEM; ENOBUFS when
 *	the caller left more than a whole message unread; EBADMSG when a
 *	descriptor was cut off, MSG_CTRUNC, or too many arrived; what
 *	recvmsg(2) reports).  msgbuf_get() returns 1 and a message, 0 when no
 *	complete message is buffered, or -1 with errno: EBADMSG (len below
 *	the header size, a descriptor where none is allowed or none where
 *	one is claimed), EMSGSIZE (len above MSG_MAXSIZE), ENOMEM.
 *	msgbuf_recv() returns 1 and a message, 0 when the peer closed the
 *	socket (between messages or within one), or -1 with errno as
 *	msgbuf_read() and msgbuf_get(), or ETIMEDOUT.  After EBADMSG or
 *	EMSGSIZE the stream is out of step: the msgbuf stays failed and the
 *	connection must be dropped.
 *	msg_get_*() and msg_end() return 0, or -1 with errno EBADMSG.
 *	msg_take_fd() returns the descriptor or -1.
 *	Nothing here exits or logs: the caller decides by trust direction
 *	(convention 10) whether a protocol error is fatal.
 * PROCESS
 *	the supervisor (non-blocking msgbuf_read/msgbuf_get in its event
 *	loop, msg_send with a short timeout) and its children (msgbuf_recv,
 *	msg_send with timeout -1); a sandboxed child needs sendmsg,
 *	recvmsg, poll and close.
 */
#ifndef VIGIL_MSG_H
#define VIGIL_MSG_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#define MSG_HDRSIZE	16
#define MSG_MAXSIZE	(4U << 20)	/* header included */
#define MSG_HASFD	0x80000000U	/* in the wire len: a descriptor */

struct msg_hdr {
	uint32_t	 type;
	uint32_t	 len;		/* header included, MSG_HASFD off */
	uint32_t	 id;
	uint32_t	 gen;
};

struct msg {
	struct msg_hdr	 hdr;
	uint8_t		*data;		/* payload */
	size_t		 len;		/* payload bytes */
	size_t		 cap;
	size_t		 pos;		/* read cursor */
	int		 fd;		/* received descriptor, or -1 */
	int		 failed;	/* an add or a get failed */
};

#define MSGBUF_MAXFD	4		/* descriptors waiting for a header */

/* a received descriptor and the stream bytes [from, to) it came with */
struct msgbuf_fd {
	int		 fd;
	uint64_t	 from;
	uint64_t	 to;
};

struct msgbuf {
	int		 sock;
	int		 allowfd;
	int		 failed;	/* errno of a broken stream, or 0 */
	uint8_t		*buf;
	size_t		 off;		/* first unconsumed byte */
	size_t		 len;		/* end of the data */
	size_t		 cap;
	uint64_t	 total;		/* stream offset of buf[len] */
	struct msgbuf_fd fds[MSGBUF_MAXFD];
	int		 nfds;
};

struct msg	*msg_new(uint32_t, uint32_t, uint32_t);
void		 msg_free(struct msg *);
int		 msg_add_u8(struct msg *, uint8_t);
int		 msg_add_u16(struct msg *, uint16_t);
int		 msg_add_u32(struct msg *, uint32_t);
int		 msg_add_u64(struct msg *, uint64_t);
int		 msg_add_str(struct msg *, const char *);
int		 msg_add_data(struct msg *, const void *, size_t);
int		 msg_send(int, const struct msg *, int, int);

void		 msgbuf_init(struct msgbuf *, int, int);
void		 msgbuf_clear(struct msgbuf *);
ssize_t		 msgbuf_read(struct msgbuf *);
int		 msgbuf_get(struct msgbuf *, struct msg **);
int		 msgbuf_recv(struct msgbuf *, struct msg **, int);

int		 msg_get_u8(struct msg *, uint8_t *);
int		 msg_get_u16(struct msg *, uint16_t *);
int		 msg_get_u32(struct msg *, uint32_t *);
int		 msg_get_u64(struct msg *, uint64_t *);
int		 msg_get_str(struct msg *, const char **);
int		 msg_get_data(struct msg *, void *, size_t);
size_t		 msg_left(const struct msg *);
int		 msg_end(struct msg *);
int		 msg_take_fd(struct msg *);

#endif
