#include "gopher/reflow.h"

#include <string.h>

#include "util/text.h"

#define TAB_STOP 8

static const char replacement[] = "\xef\xbf\xbd";

/* Bytes at the start of s that cleaning keeps as they are: printable
 * ASCII and valid UTF-8 from U+00A0 up; their columns are added to
 * *column. */
static size_t
kept_prefix(const char *s, size_t len, size_t *column)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n;

		if (u[i] >= 0x20 && u[i] < 0x7f) {
			++*column;
			i++;
			continue;
		}
		n = utf8_next(s + i, len - i, &cp);
		if (n == 0 || cp < 0xa0)
			break;
		*column += display_width_char(cp);
		i += n;
	}
	return i;
}

int
reflow_clean_line(struct buf *out, const char *s, size_t len)
{
	static const char spaces[TAB_STOP] = "        ";
	size_t i = 0, column = 0, mark = out->len, keep;

	while (i < len) {
		size_t kept = kept_prefix(s + i, len - i, &column), n;
		uint32_t cp;

		buf_append(out, s + i, kept);
		if ((i += kept) == len)
			break;
		n = utf8_next(s + i, len - i, &cp);
		if (n == 0) {
			buf_append(out, replacement, sizeof(replacement) - 1);
			column++;
			n = 1;
		} else if (cp == '\t') {
			buf_append(out, spaces, TAB_STOP - column % TAB_STOP);
			column += TAB_STOP - column % TAB_STOP;
		}
		i += n;
	}
	if (out->failed)
		return -1;
	keep = out->len;
	while (keep > mark && out->data[keep - 1] == ' ')
		keep--;
	buf_truncate(out, keep);
	return 0;
}

int
reflow_clean_view(struct buf *scratch, const char *s, size_t len, const char **clean,
    size_t *clean_len)
{
	size_t column = 0;

	if (kept_prefix(s, len, &column) == len && (len == 0 || s[len - 1] != ' ')) {
		*clean = s;
		*clean_len = len;
		return 0;
	}
	buf_truncate(scratch, 0);
	if (reflow_clean_line(scratch, s, len) != 0)
		return -1;
	*clean = scratch->data != NULL ? scratch->data : "";
	*clean_len = scratch->len;
	return 0;
}

size_t
reflow_fit_prefix(const char *s, size_t len, size_t width)
{
	size_t i = 0, used = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = utf8_next(s + i, len - i, &cp);
		size_t w = 1;

		if (n == 0)
			n = 1;
		else
			w = display_width_char(cp);
		if (used + w > width && i > 0)
			break;
		used += w;
		i += n;
	}
	return i;
}

struct wrap_state {
	const char *s;
	size_t width;
	enum wrap_mode mode;
	wrap_emit_fn emit;
	void *arg;
	size_t start;     /* first byte of the piece being built */
	size_t end;       /* end of its last word; start == end: empty */
	size_t columns;   /* its width */
};

/* Add the word s[from, to) of the given width to the current piece,
 * emitting what is full. */
static int
wrap_word(struct wrap_state *st, size_t from, size_t to, size_t word_width)
{
	size_t gap = from - st->end;
	int rc;

	if (st->end > st->start && st->columns + gap + word_width <= st->width) {
		st->end = to;
		st->columns += gap + word_width;
		return 0;
	}
	if (st->end > st->start && (rc = st->emit(st->arg, st->s + st->start,
	    st->end - st->start)) != 0)
		return rc;
	/* The first piece keeps the line's indentation unless that would make
	 * a lone word overflow. */
	if (st->end == st->start && st->start == 0 && from > 0) {
		size_t indented = display_width(st->s, to);

		if (st->mode == WRAP_BREAK_WORDS || indented <= st->width) {
			from = 0;
			word_width = indented;
		}
	}
	while (st->mode == WRAP_BREAK_WORDS && word_width > st->width) {
		size_t cut = reflow_fit_prefix(st->s + from, to - from, st->width);

		if ((rc = st->emit(st->arg, st->s + from, cut)) != 0)
			return rc;
		from += cut;
		word_width = display_width(st->s + from, to - from);
	}
	st->start = from;
	st->end = to;
	st->columns = word_width;
	return 0;
}

int
reflow_wrap_line(const char *s, size_t len, size_t width, enum wrap_mode mode,
    wrap_emit_fn emit, void *arg)
{
	struct wrap_state st = { s, width > 0 ? width : 1, mode, emit, arg, 0, 0, 0 };
	size_t i = 0;
	int rc;

	/* A byte never takes more than one column: short lines fit unmeasured. */
	if (len <= st.width || display_width(s, len) <= st.width)
		return emit(arg, s, len);
	while (i < len) {
		size_t from;

		while (i < len && s[i] == ' ')
			i++;
		if (i == len)
			break;
		from = i;
		while (i < len && s[i] != ' ')
			i++;
		if ((rc = wrap_word(&st, from, i, display_width(s + from, i - from))) != 0)
			return rc;
	}
	if (st.end > st.start)
		return emit(arg, s + st.start, st.end - st.start);
	return 0;
}

int
reflow_append_line(struct buf *out, const char *line, size_t len)
{
	if (len > 0 && line[0] == '.')
		buf_append_char(out, '.');
	buf_append(out, line, len);
	return buf_append(out, "\r\n", 2);
}

static int
emit_text_line(void *arg, const char *piece, size_t len)
{
	return reflow_append_line(arg, piece, len);
}

int
reflow_text(struct buf *out, const char *text, size_t len, size_t width)
{
	struct buf line = BUF_INIT;
	size_t pos = 0;
	int rc = 0;

	while (pos < len && rc == 0) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl != NULL ? (size_t)(nl - text) : len;
		size_t stop = end;
		const char *clean;
		size_t clean_len;

		if (stop > pos && text[stop - 1] == '\r')
			stop--;
		rc = reflow_clean_view(&line, text + pos, stop - pos, &clean, &clean_len);
		if (rc == 0)
			rc = reflow_wrap_line(clean, clean_len, width, WRAP_KEEP_WORDS,
			    emit_text_line, out);
		pos = end + 1;
	}
	buf_free(&line);
	return rc != 0 || out->failed ? -1 : 0;
}

int
reflow_end(struct buf *out)
{
	return buf_append(out, ".\r\n", 3);
}
