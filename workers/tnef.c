/*
 * tnef.c - attachments of TNEF streams (winmail.dat, application/ms-tnef)
 *
 * DESCRIPTION
 *	A TNEF stream ([MS-OXTNEF]) is the signature 0x223e9f78 and a 16-bit
 *	key (all little-endian), then attributes to the end: a level byte
 *	(1 message, 2 attachment), a 32-bit attribute (id in the low 16
 *	bits, type in the high 16), a 32-bit length, the data, and a 16-bit
 *	checksum, the sum of the data bytes modulo 65536.  Attributes are
 *	recognised by their id alone:
 *	- attBody (0x800c): the message text, delivered as "body";
 *	- attAttachRenddata (0x9002): opens an attachment;
 *	- attAttachTitle (0x8010): its name, a NUL-terminated 8-bit string,
 *	  read as Windows-1252;
 *	- attAttachData (0x800f): its bytes;
 *	- attAttachment (0x9005): its MAPI properties, searched for
 *	  PR_ATTACH_LONG_FILENAME (0x3707, PT_STRING8 read as Windows-1252,
 *	  or PT_UNICODE, UTF-16LE), which names it when present.
 *	The long name comes after the data in the streams Outlook and
 *	Exchange write, so an attachment is delivered when the next one
 *	opens (or a second attAttachData shows one began without
 *	attAttachRenddata, or attBody comes), or at the end of the stream.
 *	Members are delivered straight from buf, never copied.
 *
 *	The walk is one pass over the attributes, and the MAPI property list
 *	one pass over its attribute: every attribute, property and value
 *	costs at least four bytes of input, whatever counts they claim.
 *
 *	Choices the header leaves open:
 *	- a bad checksum (or a missing one) of attBody or attAttachData is
 *	  damage (ARC_CORRUPT), and the member is delivered all the same,
 *	  with e->damaged.
 *	  The checksums of the other attributes are not checked: their bytes
 *	  are never delivered, a bad sum there costs no scanning, and
 *	  ClamAV's own clam.tnef has bad sums in attMessageClass, attSubject
 *	  and attMsgProps.  An attribute whose length runs past the end is
 *	  damage, delivered (e->damaged) as far as it goes, and ends the
 *	  walk.  Fewer than 9 bytes left after an attribute (clam.tnef ends
 *	  with a newline) are padding, not damage.
 *	- an attachment with neither a long name nor a title has an empty
 *	  name; one without attAttachData (an OLE object or an attached
 *	  message, whose data are MAPI properties) is not delivered.
 *	- out of scope: embedded messages (PR_ATTACH_DATA_OBJ holding a
 *	  TNEF message of their own), attachment data held only in MAPI
 *	  properties (PR_ATTACH_DATA_BIN), the compressed RTF body
 *	  (PR_RTF_COMPRESSED in attMsgProps) and the code page attribute
 *	  (titles are always read as Windows-1252).
 *	- a damaged property list only means no long name is found: it is
 *	  not counted as damage of the stream.
 */
#include <errno.h>
#include <string.h>

#include "util/bytes.h"
#include "workers/decode.h"
#include "workers/legacy.h"
#include "workers/lgwalk.h"

#define TN_SIG		0x223e9f78U
#define TN_HDRLEN	6		/* signature, key */
#define TN_ATTHEAD	9		/* level, attribute, length */

/* attribute ids (low 16 bits of the attribute) */
#define TN_BODY		0x800c
#define TN_ATTACHDATA	0x800f
#define TN_ATTACHTITLE	0x8010
#define TN_RENDDATA	0x9002
#define TN_ATTACHMENT	0x9005

/* MAPI */
#define PR_LONGNAME	0x3707
#define PT_MV		0x1000
#define PT_STRING8	0x001e
#define PT_UNICODE	0x001f
#define PT_BINARY	0x0102
#define PT_OBJECT	0x000d

#define TN_NAMEIN	ARC_MAXNAME	/* name bytes or units read */
#define TN_NAMEOUT	(ARC_MAXNAME * 3 + 1)

/* the attachment being read */
struct tn_att {
	const uint8_t	*data;		/* NULL: none yet */
	size_t		 dlen;
	int		 dbad;		/* cut short, or a bad checksum */
	const uint8_t	*title;		/* NULL: none */
	size_t		 tlen;
	const uint8_t	*lname;		/* NULL: none */
	size_t		 llen;
	int		 lwide;		/* UTF-16LE */
};

static int	 tn_flush(struct lg_walk *, struct tn_att *);
static int	 tn_deliver(struct lg_walk *, const char *, const uint8_t *,
		    size_t, int);
static void	 tn_props(struct tn_att *, const uint8_t *, size_t);
static int	 tn_value(const uint8_t *, size_t, size_t *, uint16_t,
		    const uint8_t **, size_t *);
static void	 tn_str8(char *, size_t, const uint8_t *, size_t);

/* tnef_walk - call cb for the body and every attachment of the stream */
int
tnef_walk(const uint8_t *buf, size_t len, const struct arc_limits *lim,
    arc_cb cb, void *arg, struct arc_result *res)
{
	struct lg_walk	 w;
	struct tn_att	 att;
	const uint8_t	*data;
	size_t		 off, alen, i;
	uint32_t	 sum;
	int		 id, isshort, bad, stop = 0;

	lg_init(&w, len, lim, cb, arg, res);
	memset(&att, 0, sizeof(att));
	if (buf == NULL || len < TN_HDRLEN || get_le32(buf) != TN_SIG) {
		lg_corrupt(&w, "not a TNEF stream");
		goto done;
	}
	off = TN_HDRLEN;
	/* fewer bytes than an attribute's head at the end: padding */
	while (len - off >= TN_ATTHEAD && !stop) {
		id = buf[off + 1] | buf[off + 2] << 8;
		alen = get_le32(buf + off + 5);
		data = buf + off + TN_ATTHEAD;
		off += TN_ATTHEAD;
		isshort = alen > len - off;
		bad = isshort;
		if (isshort) {
			alen = len - off;
			lg_corrupt(&w, "attribute cut short");
		} else if (id == TN_BODY || id == TN_ATTACHDATA) {
			/* only where a bad sum means bad member bytes */
			for (sum = 0, i = 0; i < alen; i++)
				sum += data[i];
			bad = 1;
			if (len - off - alen < 2)
				lg_corrupt(&w, "attribute cut short");
			else if ((sum & 0xffff) != (uint32_t)(data[alen] |
			    data[alen + 1] << 8))
				lg_corrupt(&w, "attribute checksum mismatch");
			else
				bad = 0;
		}

		switch (id) {
		case TN_BODY:
			if ((stop = tn_flush(&w, &att)) == 0)
				stop = tn_deliver(&w, "body", data, alen,
				    bad);
			break;
		case TN_RENDDATA:
			stop = tn_flush(&w, &att);
			break;
		case TN_ATTACHDATA:
			if (att.data != NULL && (stop = tn_flush(&w, &att)))
				break;
			att.data = data;
			att.dlen = alen;
			att.dbad = bad;
			break;
		case TN_ATTACHTITLE:
			att.title = data;
			att.tlen = alen;
			break;
		case TN_ATTACHMENT:
			tn_props(&att, data, alen);
			break;
		}
		if (isshort)
			break;
		off += alen;
		off += len - off < 2 ? len - off : 2;
	}
	if (!stop)
		(void)tn_flush(&w, &att);
done:
	return lg_finish(&w, 0);
}

/* tn_flush - deliver the attachment read so far, if it has data */
static int
tn_flush(struct lg_walk *w, struct tn_att *att)
{
	char	 name[TN_NAMEOUT];
	int	 rc = 0;

	if (att->data != NULL) {
		if (att->lname != NULL && att->lwide)
			(void)charset_to_utf8("utf-16le", att->lname,
			    att->llen < 2 * TN_NAMEIN ? att->llen :
			    2 * TN_NAMEIN, name, sizeof(name));
		else if (att->lname != NULL)
			tn_str8(name, sizeof(name), att->lname, att->llen);
		else if (att->title != NULL)
			tn_str8(name, sizeof(name), att->title, att->tlen);
		else
			name[0] = '\0';
		rc = tn_deliver(w, name, att->data, att->dlen, att->dbad);
	}
	memset(att, 0, sizeof(*att));
	return rc;
}

/* tn_deliver - one member straight from the stream: 1 to stop the walk */
static int
tn_deliver(struct lg_walk *w, const char *name, const uint8_t *data,
    size_t len, int bad)
{
	struct lg_cap	 cap;
	size_t		 kept;

	if (lg_begin(w, &cap) != 0)
		return 1;
	lg_name(w, name);
	kept = cap.keep < len ? (size_t)cap.keep : len;
	return lg_end(w, &cap, data, kept, len, bad ? LG_DAMAGED : 0);
}

/*
 * tn_props - look for the long file name in a MAPI property list
 * ([MS-OXTNEF] 2.1.3.4); stops quietly at anything it cannot read
 */
static void
tn_props(struct tn_att *att, const uint8_t *p, size_t len)
{
	const uint8_t	*v;
	size_t		 off = 4, vlen, nlen;
	uint32_t	 count, i;
	uint16_t	 type, id;

	if (len < 4)
		return;
	count = get_le32(p);
	for (i = 0; i < count; i++) {
		if (len - off < 4)
			return;
		type = (uint16_t)(p[off] | p[off + 1] << 8);
		id = (uint16_t)(p[off + 2] | p[off + 3] << 8);
		off += 4;
		if (id >= 0x8000) {
			/* named property: GUID, kind, then an id or a name */
			if (len - off < 20)
				return;
			off += 20;
			if (get_le32(p + off - 4) != 0) {
				if (len - off < 4)
					return;
				nlen = get_le32(p + off);
				off += 4;
				if (nlen > len - off)
					return;
				off += nlen;
				off += len - off < (-nlen & 3) ? len - off :
				    (-nlen & 3);
			} else {
				if (len - off < 4)
					return;
				off += 4;
			}
		}
		if (tn_value(p, len, &off, type, &v, &vlen) == -1)
			return;
		if (id == PR_LONGNAME && (type == PT_STRING8 ||
		    type == PT_UNICODE) && v != NULL) {
			att->lname = v;
			att->llen = vlen;
			att->lwide = type == PT_UNICODE;
		}
	}
}

/*
 * tn_value - skip the value of a property of this type at *off; *v and
 * *vlen get its first (variable-length) value.  -1: cannot be read.
 */
static int
tn_value(const uint8_t *p, size_t len, size_t *off, uint16_t type,
    const uint8_t **v, size_t *vlen)
{
	size_t		 o = *off, size, n;
	uint32_t	 count = 1, j;
	uint16_t	 base = type & ~PT_MV;
	int		 var;

	*v = NULL;
	*vlen = 0;
	switch (base) {
	case 0x0002: case 0x0003: case 0x0004: case 0x000a: case 0x000b:
	case 0x0001:
		size = 4;
		var = 0;
		break;
	case 0x0005: case 0x0006: case 0x0007: case 0x0014: case 0x0040:
		size = 8;
		var = 0;
		break;
	case 0x0048:
		size = 16;
		var = 0;
		break;
	case PT_STRING8: case PT_UNICODE: case PT_BINARY: case PT_OBJECT:
		size = 0;
		var = 1;
		break;
	default:
		return -1;
	}
	if ((type & PT_MV) || var) {
		if (len - o < 4)
			return -1;
		count = get_le32(p + o);
		o += 4;
	}
	for (j = 0; j < count; j++) {
		n = size;
		if (var) {
			if (len - o < 4)
				return -1;
			n = get_le32(p + o);
			o += 4;
			if (n > len - o)
				return -1;
			if (j == 0) {
				*v = p + o;
				*vlen = n;
			}
			n += -n & 3;
			if (n > len - o)
				n = len - o;	/* the last padding may lack */
		} else if (n > len - o)
			return -1;
		o += n;
	}
	*off = o;
	return 0;
}

/* tn_str8 - an 8-bit (Windows-1252) name, up to its NUL, as UTF-8 */
static void
tn_str8(char *out, size_t outlen, const uint8_t *s, size_t len)
{
	const uint8_t	*nul;

	if ((nul = memchr(s, '\0', len)) != NULL)
		len = (size_t)(nul - s);
	if (len > TN_NAMEIN)
		len = TN_NAMEIN;
	(void)charset_to_utf8("windows-1252", s, len, out, outlen);
}

