/*
 * lexpr.c - compile and evaluate .ldb logical expressions
 *
 * DESCRIPTION
 *	Programs are postfix byte code:
 *	  LX_SUB i		push the value of subsignature i
 *	  LX_SUBMOD i m x	push subsignature i compared with m x
 *	  LX_AND, LX_OR		combine the two top values
 *	  LX_BLK m x y		apply a block modifier to the top value
 *	A value is (true?, match count, set of matched subsignatures), and a
 *	false value always carries count 0 and no set, as in ClamAV, where
 *	counts propagate only out of true sub-expressions and a modified
 *	block passes its count but not its set upwards.
 */
#include <stdlib.h>
#include <string.h>

#include "signatures/lexpr.h"

enum {
	LX_SUB = 1,
	LX_SUBMOD,
	LX_AND,
	LX_OR,
	LX_BLK
};

struct lx {
	const char	*s;
	size_t		 len;
	size_t		 i;
	uint32_t	 nsub;
	uint8_t		 code[LEXPR_MAXLEN];
	uint32_t	 n;
	uint32_t	 depth;
	uint32_t	 maxdepth;
	uint32_t	 flags;
	uint32_t	 maxval;
	const char	*why;
};

struct lxval {
	uint32_t	 ok;
	uint32_t	 cnt;
	uint64_t	 ids;
};

static int	 lx_fail(struct lx *, const char *);
static int	 lx_emit(struct lx *, const void *, size_t);
static int	 lx_num(struct lx *, uint32_t *);
static int	 lx_mod(struct lx *, uint8_t *, uint32_t *, uint32_t *);
static int	 lx_unary(struct lx *, int);
static int	 lx_expr(struct lx *, int);
static int	 lx_cmp(uint8_t, uint32_t, uint32_t);
static uint32_t	 lx_u32(const uint8_t *);

/* lx_fail - record the first error */
static int
lx_fail(struct lx *x, const char *why)
{
	if (x->why == NULL)
		x->why = why;
	return -1;
}

/* lx_emit - append program bytes */
static int
lx_emit(struct lx *x, const void *p, size_t n)
{
	if (n > sizeof(x->code) - x->n)
		return lx_fail(x, "expression too long");
	memcpy(x->code + x->n, p, n);
	x->n += n;
	return 0;
}

/* lx_num - decimal number */
static int
lx_num(struct lx *x, uint32_t *out)
{
	uint64_t	 v = 0;
	size_t		 start = x->i;

	while (x->i < x->len && x->s[x->i] >= '0' && x->s[x->i] <= '9') {
		v = v * 10 + (x->s[x->i++] - '0');
		if (v > UINT32_MAX)
			return lx_fail(x, "number too large");
	}
	if (x->i == start)
		return lx_fail(x, "number expected");
	*out = (uint32_t)v;
	return 0;
}

/* lx_mod - optional "=X", ">X", "<X" with ",Y"; returns 1 if present */
static int
lx_mod(struct lx *x, uint8_t *m, uint32_t *v1, uint32_t *v2)
{
	char	 c;

	if (x->i >= x->len)
		return 0;
	c = x->s[x->i];
	if (c != '=' && c != '>' && c != '<')
		return 0;
	while (x->i < x->len && x->s[x->i] == c)
		x->i++;
	*m = (uint8_t)c;
	*v2 = 0;
	if (lx_num(x, v1) == -1)
		return -1;
	if (x->i < x->len && x->s[x->i] == ',') {
		x->i++;
		if (x->i < x->len && x->s[x->i] >= '0' && x->s[x->i] <= '9' &&
		    lx_num(x, v2) == -1)
			return -1;
	}
	if (*v1 > x->maxval)
		x->maxval = *v1;
	if (c != '>')
		x->flags &= ~LEXPR_MONOTONE;
	x->flags |= LEXPR_COUNTS;
	return 1;
}

/* lx_unary - an index or a parenthesised expression, with a modifier */
static int
lx_unary(struct lx *x, int level)
{
	uint8_t		 op[2], m;
	uint32_t	 id, v1, v2;
	int		 r;

	if (level > 32)
		return lx_fail(x, "expression nested too deeply");
	if (x->i >= x->len)
		return lx_fail(x, "operand expected");
	if (x->s[x->i] == '(') {
		x->i++;
		if (lx_expr(x, level + 1) == -1)
			return -1;
		if (x->i >= x->len || x->s[x->i] != ')')
			return lx_fail(x, "missing ')'");
		x->i++;
		if ((r = lx_mod(x, &m, &v1, &v2)) == -1)
			return -1;
		if (r == 1) {
			op[0] = LX_BLK;
			op[1] = m;
			if (lx_emit(x, op, 2) == -1 ||
			    lx_emit(x, &v1, 4) == -1 ||
			    lx_emit(x, &v2, 4) == -1)
				return -1;
		}
		return 0;
	}
	if (lx_num(x, &id) == -1)
		return -1;
	if (id >= x->nsub)
		return lx_fail(x, "subsignature index out of range");
	if ((r = lx_mod(x, &m, &v1, &v2)) == -1)
		return -1;
	if (++x->depth > x->maxdepth)
		x->maxdepth = x->depth;
	if (x->maxdepth > LEXPR_MAXDEPTH)
		return lx_fail(x, "expression too complex");
	if (r == 0) {
		op[0] = LX_SUB;
		op[1] = (uint8_t)id;
		return lx_emit(x, op, 2);
	}
	op[0] = LX_SUBMOD;
	op[1] = (uint8_t)id;
	if (lx_emit(x, op, 2) == -1 || lx_emit(x, &m, 1) == -1)
		return -1;
	return lx_emit(x, &v1, 4);
}

/*
 * lx_expr - unary (& or | unary)*, grouped right to left: the operands
 * are emitted in order and the operators after them, last first.
 */
static int
lx_expr(struct lx *x, int level)
{
	uint8_t	 ops[LEXPR_MAXDEPTH];
	int	 nops = 0;

	if (lx_unary(x, level) == -1)
		return -1;
	while (x->i < x->len && (x->s[x->i] == '&' || x->s[x->i] == '|')) {
		if (nops == LEXPR_MAXDEPTH)
			return lx_fail(x, "expression too complex");
		ops[nops++] = x->s[x->i] == '&' ? LX_AND : LX_OR;
		x->i++;
		if (lx_unary(x, level) == -1)
			return -1;
	}
	while (nops > 0) {
		x->depth--;
		if (lx_emit(x, &ops[--nops], 1) == -1)
			return -1;
	}
	return 0;
}

/* lexpr_compile - expression text to program */
int
lexpr_compile(const char *s, size_t len, uint32_t nsub, uint8_t **code,
    uint32_t *codelen, uint32_t *flags, uint32_t *cap, const char **why)
{
	struct lx	*x;
	int		 rc = -1;

	*code = NULL;
	if ((x = calloc(1, sizeof(*x))) == NULL) {
		*why = "out of memory";
		return -1;
	}
	x->s = s;
	x->len = len;
	x->nsub = nsub > 64 ? 64 : nsub;
	x->flags = LEXPR_MONOTONE;
	if (len == 0) {
		lx_fail(x, "empty expression");
		goto done;
	}
	if (lx_expr(x, 0) == -1)
		goto done;
	if (x->i != x->len) {
		lx_fail(x, "unexpected character in expression");
		goto done;
	}
	if ((*code = malloc(x->n)) == NULL) {
		lx_fail(x, "out of memory");
		goto done;
	}
	memcpy(*code, x->code, x->n);
	*codelen = x->n;
	*flags = x->flags;
	*cap = x->maxval < UINT32_MAX ? x->maxval + 1 : UINT32_MAX;
	rc = 0;
done:
	if (rc == -1)
		*why = x->why;
	free(x);
	return rc;
}

/* lx_u32 - little-endian u32 */
static uint32_t
lx_u32(const uint8_t *p)
{
	uint32_t	 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* lx_cmp - does count c satisfy modifier m against v */
static int
lx_cmp(uint8_t m, uint32_t c, uint32_t v)
{
	switch (m) {
	case '=':
		return c == v;
	case '>':
		return c > v;
	case '<':
		return c < v;
	default:
		return 0;
	}
}

/* lexpr_check - validate a program from an untrusted module */
int
lexpr_check(const uint8_t *code, uint32_t len, uint32_t nsub)
{
	uint32_t	 pc = 0, depth = 0;

	if (len == 0 || len > LEXPR_MAXLEN)
		return -1;
	while (pc < len) {
		switch (code[pc]) {
		case LX_SUB:
			if (len - pc < 2 || code[pc + 1] >= nsub ||
			    code[pc + 1] >= 64)
				return -1;
			pc += 2;
			depth++;
			break;
		case LX_SUBMOD:
			if (len - pc < 7 || code[pc + 1] >= nsub ||
			    code[pc + 1] >= 64)
				return -1;
			pc += 7;
			depth++;
			break;
		case LX_AND:
		case LX_OR:
			if (depth < 2)
				return -1;
			pc++;
			depth--;
			break;
		case LX_BLK:
			if (len - pc < 10 || depth < 1)
				return -1;
			pc += 10;
			break;
		default:
			return -1;
		}
		if (depth > LEXPR_MAXDEPTH)
			return -1;
	}
	return depth == 1 ? 0 : -1;
}

/* lexpr_maxsub - largest subsignature index of a valid program */
int
lexpr_maxsub(const uint8_t *code, uint32_t len)
{
	uint32_t	 pc = 0;
	int		 max = -1;

	while (pc < len) {
		switch (code[pc]) {
		case LX_SUB:
		case LX_SUBMOD:
			if (len - pc >= 2 && (int)code[pc + 1] > max)
				max = code[pc + 1];
			pc += code[pc] == LX_SUB ? 2 : 7;
			break;
		case LX_BLK:
			pc += 10;
			break;
		default:
			pc++;
		}
	}
	return max;
}

/* lexpr_eval - evaluate a program for the given counts */
int
lexpr_eval(const uint8_t *code, uint32_t len, const uint32_t *counts)
{
	struct lxval	 st[LEXPR_MAXDEPTH + 1], l, r;
	uint32_t	 pc = 0, sp = 0, c, id;
	int		 ok;

	while (pc < len) {
		switch (code[pc]) {
		case LX_SUB:
		case LX_SUBMOD:
			if (sp >= LEXPR_MAXDEPTH || len - pc < 2)
				return 0;
			id = code[pc + 1] & 63;
			c = counts[id];
			if (code[pc] == LX_SUB) {
				ok = c > 0;
				pc += 2;
			} else {
				if (len - pc < 7)
					return 0;
				ok = lx_cmp(code[pc + 2], c,
				    lx_u32(code + pc + 3));
				pc += 7;
			}
			st[sp].ok = ok;
			st[sp].cnt = ok ? c : 0;
			st[sp].ids = ok ? (uint64_t)1 << id : 0;
			sp++;
			break;
		case LX_AND:
		case LX_OR:
			if (sp < 2)
				return 0;
			r = st[--sp];
			l = st[sp - 1];
			ok = code[pc] == LX_AND ? (l.ok && r.ok) :
			    (l.ok || r.ok);
			st[sp - 1].ok = ok;
			st[sp - 1].cnt = ok ? l.cnt + r.cnt : 0;
			st[sp - 1].ids = ok ? l.ids | r.ids : 0;
			pc++;
			break;
		case LX_BLK:
			if (sp < 1 || len - pc < 10)
				return 0;
			l = st[sp - 1];
			ok = lx_cmp(code[pc + 1], l.cnt, lx_u32(code + pc + 2));
			if (ok && lx_u32(code + pc + 6) != 0 &&
			    (uint32_t)__builtin_popcountll(l.ids) <
			    lx_u32(code + pc + 6))
				ok = 0;
			st[sp - 1].ok = ok;
			st[sp - 1].cnt = ok ? l.cnt : 0;
			st[sp - 1].ids = 0;
			pc += 10;
			break;
		default:
			return 0;
		}
	}
	return sp == 1 && st[0].ok;
}
