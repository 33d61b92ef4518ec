/*
 * directory_csv.c - the CSV form of the directory: people and their badges,
 * one badge per line, as an office keeps them in a spreadsheet.  Parsed with
 * libcsv (',' or ';' or tab separated, detected from the header; a UTF-8 BOM
 * is skipped; lines may end in LF, CRLF or CR); errors name the line.  Text
 * must be UTF-8.  Tenants and profiles are not created here: the CSV names
 * ones already stored.  In a plain import a column the header lacks leaves
 * the stored value alone; an empty cell sets the default.  Also holds
 * directory_import_file().
 */
#include "directory_int.h"

#include "err.h"
#include "uid.h"

#include <csv.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum col {
	COL_PERSON, COL_NAME, COL_TENANT, COL_ROLE, COL_EMAIL, COL_PROFILES,
	COL_PERSON_STATUS, COL_PERSON_VALID_FROM, COL_PERSON_VALID_UNTIL,
	COL_UID, COL_STATUS, COL_VALID_FROM, COL_VALID_UNTIL,
	COL_COUNT
};

static const char *const col_names[COL_COUNT] = {
	"person", "name", "tenant", "role", "email", "profiles",
	"person_status", "person_valid_from", "person_valid_until",
	"uid", "status", "valid_from", "valid_until",
};

#define CSV_FIELD_MAX 1024
#define CSV_COLUMNS_MAX 32

struct cimport {
	struct dir_import imp;
	int map[CSV_COLUMNS_MAX]; /* column position -> enum col, -1 ignored */
	int ncols;
	bool have[COL_COUNT];     /* the header names the column */
	char *fields[CSV_COLUMNS_MAX];
	int nfields;
	bool header_done;
	bool too_wide;
	long line;        /* physical line being fed */
	long record_line; /* line the current record started on */
	int rc;
};

__attribute__((format(printf, 2, 3))) static int cbad(struct cimport *c, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->rc = err_set(c->imp.err, c->imp.errlen, SEUIL_ERR_INVALID, "line %ld: %s", c->record_line, msg);
	return c->rc;
}

/* true when the len bytes at s are well-formed UTF-8 (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF) */
static bool utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char b = s[i];
		size_t n;
		unsigned char lo = 0x80, hi = 0xBF;
		if (b < 0x80) {
			i++;
			continue;
		}
		if (b >= 0xC2 && b <= 0xDF)
			n = 1;
		else if (b >= 0xE0 && b <= 0xEF)
			n = 2;
		else if (b >= 0xF0 && b <= 0xF4)
			n = 3;
		else
			return false;
		if (b == 0xE0)
			lo = 0xA0;
		else if (b == 0xED)
			hi = 0x9F;
		else if (b == 0xF0)
			lo = 0x90;
		else if (b == 0xF4)
			hi = 0x8F;
		if (len - i <= n || s[i + 1] < lo || s[i + 1] > hi)
			return false;
		for (size_t k = 2; k <= n; k++) {
			if (s[i + k] < 0x80 || s[i + k] > 0xBF)
				return false;
		}
		i += n + 1;
	}
	return true;
}

static void on_field(void *data, size_t len, void *ctx)
{
	struct cimport *c = ctx;
	char *copy;

	if (c->rc != SEUIL_OK)
		return;
	if (c->nfields >= CSV_COLUMNS_MAX) {
		c->too_wide = true;
		return;
	}
	if (len > CSV_FIELD_MAX) {
		cbad(c, "a field is longer than %d bytes", CSV_FIELD_MAX);
		return;
	}
	if (!utf8_valid(data, len)) {
		/* a spreadsheet saved as "CSV" in Windows-1252: Lefèvre would be stored garbled */
		cbad(c, "%s", "not UTF-8 (save the file as CSV UTF-8)");
		return;
	}
	copy = malloc(len + 1);
	if (copy == NULL) {
		c->rc = err_set(c->imp.err, c->imp.errlen, SEUIL_ERR_NOMEM, "out of memory");
		return;
	}
	if (len > 0)
		memcpy(copy, data, len);
	copy[len] = '\0';
	/* spreadsheets pad cells: trim surrounding blanks */
	size_t n = len;
	while (n > 0 && (copy[n - 1] == ' ' || copy[n - 1] == '\t'))
		copy[--n] = '\0';
	size_t lead = strspn(copy, " \t");
	memmove(copy, copy + lead, n - lead + 1);
	c->fields[c->nfields++] = copy;
}

static void free_fields(struct cimport *c)
{
	for (int i = 0; i < c->nfields; i++)
		free(c->fields[i]);
	c->nfields = 0;
	c->too_wide = false;
}

static int read_header(struct cimport *c)
{
	bool *have = c->have;

	if (c->too_wide)
		return cbad(c, "more than %d columns", CSV_COLUMNS_MAX);
	for (int i = 0; i < c->nfields; i++) {
		int k;
		/* spreadsheets export empty trailing columns: their cells are ignored */
		if (c->fields[i][0] == '\0') {
			c->map[i] = -1;
			continue;
		}
		for (k = 0; k < COL_COUNT; k++) {
			if (strcasecmp(c->fields[i], col_names[k]) == 0)
				break;
		}
		if (k == COL_COUNT)
			return cbad(c, "unknown column \"%.40s\" (see docs/formats.md)", c->fields[i]);
		if (have[k])
			return cbad(c, "column \"%s\" appears twice", col_names[k]);
		have[k] = true;
		c->map[i] = k;
	}
	c->ncols = c->nfields;
	if (!have[COL_PERSON] || !have[COL_NAME])
		return cbad(c, "the header must name at least the columns person and name");
	c->header_done = true;
	return SEUIL_OK;
}

static const char *field(struct cimport *c, enum col k)
{
	for (int i = 0; i < c->ncols && i < c->nfields; i++) {
		if (c->map[i] == (int)k)
			return c->fields[i][0] != '\0' ? c->fields[i] : NULL;
	}
	return NULL;
}

static int grants_from_cell(struct cimport *c, const char *person, const char *cell, const char *path)
{
	char buf[CSV_FIELD_MAX + 1], *save = NULL, *tok;
	int rc;

	snprintf(buf, sizeof(buf), "%s", cell);
	for (tok = strtok_r(buf, " |", &save); tok != NULL; tok = strtok_r(NULL, " |", &save)) {
		if ((rc = dir_check_id(&c->imp, tok, path)) != SEUIL_OK ||
		    (rc = dir_require(&c->imp, DIR_PROFILES, tok, path)) != SEUIL_OK ||
		    (rc = dir_add_grant(&c->imp, tok, NULL, person, path)) != SEUIL_OK)
			return rc;
	}
	return SEUIL_OK;
}

/* the fields of a stored entry that a column the header lacks leaves alone */
static unsigned kept_fields(const struct cimport *c, const enum col *cols, const unsigned *bits, size_t n)
{
	unsigned keep = 0;

	/* --replace: each line is the whole record, as a JSON entry is */
	if (c->imp.flags & DIRECTORY_REPLACE)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (!c->have[cols[i]])
			keep |= bits[i];
	}
	return keep;
}

static int import_person(struct cimport *c, struct dir_person *p, const char *path)
{
	static const enum col cols[] = { COL_TENANT, COL_ROLE, COL_EMAIL, COL_PERSON_STATUS,
					 COL_PERSON_VALID_FROM, COL_PERSON_VALID_UNTIL };
	static const unsigned bits[] = { DIR_KEEP_TENANT, DIR_KEEP_ROLE, DIR_KEEP_EMAIL, DIR_KEEP_STATUS,
					  DIR_KEEP_VALID_FROM, DIR_KEEP_VALID_UNTIL };
	char stored[DIR_NAME_MAX + 1];
	const char *text;
	int rc;

	p->tenant = field(c, COL_TENANT);
	p->role = field(c, COL_ROLE);
	p->email = field(c, COL_EMAIL);
	p->status = field(c, COL_PERSON_STATUS);
	p->valid_from = field(c, COL_PERSON_VALID_FROM);
	p->valid_until = field(c, COL_PERSON_VALID_UNTIL);
	p->keep = kept_fields(c, cols, bits, sizeof(cols) / sizeof(cols[0]));
	if ((rc = dir_check_id(&c->imp, p->id, path)) != SEUIL_OK ||
	    (rc = dir_check_text(&c->imp, p->name, DIR_NAME_MAX, path)) != SEUIL_OK ||
	    (p->email != NULL && (rc = dir_check_text(&c->imp, p->email, 254, path)) != SEUIL_OK) ||
	    (p->role != NULL && (rc = dir_check_choice(&c->imp, p->role, dir_roles, path)) != SEUIL_OK) ||
	    (p->status != NULL &&
	     (rc = dir_check_choice(&c->imp, p->status, dir_party_statuses, path)) != SEUIL_OK) ||
	    (rc = dir_check_date(&c->imp, p->valid_from, path)) != SEUIL_OK ||
	    (rc = dir_check_date(&c->imp, p->valid_until, path)) != SEUIL_OK ||
	    (rc = dir_check_range(&c->imp, p->valid_from, p->valid_until, path)) != SEUIL_OK ||
	    (p->tenant != NULL && (rc = dir_require(&c->imp, DIR_TENANTS, p->tenant, path)) != SEUIL_OK))
		return c->rc = rc;

	if (dir_was_seen(&c->imp, DIR_PEOPLE, p->id)) {
		/* a further badge of someone already read: the person must agree */
		if (dir_person_name(&c->imp, p->id, stored, sizeof(stored)) == SEUIL_OK &&
		    strcmp(stored, p->name) != 0)
			return cbad(c, "person \"%s\" has another name on an earlier line", p->id);
		return SEUIL_OK;
	}
	if ((rc = dir_seen(&c->imp, DIR_PEOPLE, p->id, path)) != SEUIL_OK ||
	    (rc = dir_put_person(&c->imp, p, path)) != SEUIL_OK)
		return c->rc = rc;
	/* without the column the person's own profiles stay; an empty cell clears them */
	if (c->have[COL_PROFILES] &&
	    ((rc = dir_clear_grants(&c->imp, NULL, p->id, path)) != SEUIL_OK ||
	     ((text = field(c, COL_PROFILES)) != NULL &&
	      (rc = grants_from_cell(c, p->id, text, path)) != SEUIL_OK)))
		return c->rc = rc;
	return SEUIL_OK;
}

static int import_row(struct cimport *c)
{
	static const enum col cols[] = { COL_STATUS, COL_VALID_FROM, COL_VALID_UNTIL };
	static const unsigned bits[] = { DIR_KEEP_STATUS, DIR_KEEP_VALID_FROM, DIR_KEEP_VALID_UNTIL };
	char path[64], uid[UID_HEX_MAX], why[128] = "";
	struct dir_person p = { 0 };
	struct dir_credential cred = { 0 };
	const char *text;
	int rc;

	snprintf(path, sizeof(path), "line %ld", c->record_line);
	if (c->too_wide || c->nfields > c->ncols)
		return cbad(c, "more fields than the header has columns");
	for (int i = 0; i < c->nfields; i++) {
		if (c->map[i] < 0 && c->fields[i][0] != '\0')
			return cbad(c, "a value in column %d, which has no name in the header", i + 1);
	}
	p.id = field(c, COL_PERSON);
	p.name = field(c, COL_NAME);
	if (p.id == NULL)
		return cbad(c, "the person column is empty");
	if (p.name == NULL)
		return cbad(c, "the name column is empty");
	if ((rc = import_person(c, &p, path)) != SEUIL_OK)
		return rc;

	text = field(c, COL_UID);
	if (text == NULL)
		return SEUIL_OK; /* a person without a badge yet */
	if (uid_normalize(text, uid, why, sizeof(why)) != SEUIL_OK)
		return cbad(c, "%s", why);
	cred.identifier = uid;
	cred.person = p.id;
	cred.status = field(c, COL_STATUS);
	cred.valid_from = field(c, COL_VALID_FROM);
	cred.valid_until = field(c, COL_VALID_UNTIL);
	cred.keep = kept_fields(c, cols, bits, sizeof(cols) / sizeof(cols[0]));
	if ((cred.status != NULL &&
	     (rc = dir_check_choice(&c->imp, cred.status, dir_credential_statuses, path)) != SEUIL_OK) ||
	    (rc = dir_check_date(&c->imp, cred.valid_from, path)) != SEUIL_OK ||
	    (rc = dir_check_date(&c->imp, cred.valid_until, path)) != SEUIL_OK ||
	    (rc = dir_check_range(&c->imp, cred.valid_from, cred.valid_until, path)) != SEUIL_OK ||
	    (rc = dir_seen(&c->imp, DIR_CREDENTIALS, uid, path)) != SEUIL_OK ||
	    (rc = dir_put_credential(&c->imp, &cred, path)) != SEUIL_OK)
		return c->rc = rc;
	return SEUIL_OK;
}

static void on_record(int term, void *ctx)
{
	struct cimport *c = ctx;
	bool blank;

	(void)term;
	blank = c->nfields == 0 || (c->nfields == 1 && c->fields[0][0] == '\0');
	if (c->rc == SEUIL_OK && !blank) {
		if (!c->header_done)
			read_header(c);
		else
			import_row(c);
	}
	free_fields(c);
}

/* bytes up to and with the end of the line at p: LF, CRLF or a lone CR (old
 * Mac spreadsheets); *ended is false for a last line without one */
static size_t line_length(const char *p, size_t n, bool *ended)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n' || p[i] == '\r') {
			*ended = true;
			return p[i] == '\r' && i + 1 < n && p[i + 1] == '\n' ? i + 2 : i + 1;
		}
	}
	*ended = false;
	return n;
}

/* libcsv's messages speak of its options; say what is wrong in the file */
static const char *csv_problem(struct csv_parser *parser)
{
	if (csv_error(parser) == CSV_EPARSE)
		return "a quoted field is not closed, or a quote stands inside an unquoted field";
	return csv_strerror(csv_error(parser));
}

static unsigned char detect_delimiter(const char *buf, size_t len)
{
	size_t commas = 0, semis = 0, tabs = 0;

	for (size_t i = 0; i < len && buf[i] != '\n' && buf[i] != '\r'; i++) {
		commas += buf[i] == ',';
		semis += buf[i] == ';';
		tabs += buf[i] == '\t';
	}
	if (semis > commas && semis >= tabs)
		return ';';
	if (tabs > commas)
		return '\t';
	return ',';
}

int directory_import_csv(struct store *st, const char *buf, size_t len, unsigned flags,
			 struct directory_counts *counts, char *err, size_t errlen)
{
	struct csv_parser parser;
	struct cimport c;
	size_t off = 0;
	int rc;

	if (len > DIRECTORY_MAX_BYTES)
		return err_set(err, errlen, SEUIL_ERR_TOO_LARGE, "file larger than %u bytes",
			       DIRECTORY_MAX_BYTES);
	while (len - off >= 3 && memcmp(buf + off, "\xEF\xBB\xBF", 3) == 0)
		off += 3; /* a byte-order mark (some editors write two) */
	if (memchr(buf, '\0', len) != NULL)
		return err_set(err, errlen, SEUIL_ERR_INVALID, "the file contains NUL bytes: not a CSV text file");
	if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		return err_set(err, errlen, SEUIL_ERR_NOMEM, "out of memory");
	csv_set_delim(&parser, detect_delimiter(buf + off, len - off));
	memset(&c, 0, sizeof(c));
	rc = dir_begin(&c.imp, st, flags, err, errlen);
	if (rc != SEUIL_OK) {
		csv_free(&parser);
		return rc;
	}
	c.line = 1;
	c.record_line = 1;
	/* fed a line at a time so that errors can name the line */
	while (off < len && c.rc == SEUIL_OK) {
		bool ended;
		size_t n = line_length(buf + off, len - off, &ended);
		/* between records (libcsv's ROW_NOT_BEGUN, 0): the next one starts here,
		 * blank lines included */
		if (parser.pstate == 0)
			c.record_line = c.line;
		if (csv_parse(&parser, buf + off, n, on_field, on_record, &c) != n) {
			c.rc = err_set(err, errlen, SEUIL_ERR_INVALID, "line %ld: %s", c.line,
				       csv_problem(&parser));
			break;
		}
		off += n;
		if (ended)
			c.line++;
	}
	if (c.rc == SEUIL_OK && csv_fini(&parser, on_field, on_record, &c) != 0)
		c.rc = err_set(err, errlen, SEUIL_ERR_INVALID, "line %ld: %s", c.record_line,
			       csv_problem(&parser));
	free_fields(&c);
	csv_free(&parser);
	if (c.rc == SEUIL_OK && !c.header_done)
		c.rc = err_set(err, errlen, SEUIL_ERR_INVALID, "line 1: the file has no header line");
	if (c.rc != SEUIL_OK) {
		dir_abort(&c.imp);
		return c.rc;
	}
	rc = dir_finish(&c.imp, 1u << DIR_PEOPLE | 1u << DIR_CREDENTIALS);
	if (rc == SEUIL_OK && counts != NULL)
		*counts = c.imp.counts;
	return rc;
}

/*
 * JSON when the first significant byte opens a JSON value that cannot start
 * a CSV header ('{', '[', or the literals null, true, false), so that a JSON
 * file of the wrong shape gets the JSON error; byte-order marks (even two)
 * and blanks are skipped.  A quoted CSV header starts with '"': CSV.
 */
static bool looks_like_json(const char *buf, size_t len)
{
	static const char *const literals[] = { "null", "true", "false" };
	size_t i = 0;

	for (;;) {
		if (len - i >= 3 && memcmp(buf + i, "\xEF\xBB\xBF", 3) == 0)
			i += 3;
		else if (i < len && strchr(" \t\r\n", buf[i]) != NULL && buf[i] != '\0')
			i++;
		else
			break;
	}
	if (i == len)
		return false;
	if (buf[i] == '{' || buf[i] == '[')
		return true;
	for (size_t k = 0; k < sizeof(literals) / sizeof(literals[0]); k++) {
		size_t n = strlen(literals[k]);
		if (len - i >= n && memcmp(buf + i, literals[k], n) == 0 &&
		    (len - i == n || strchr(" \t\r\n", buf[i + n]) != NULL))
			return true;
	}
	return false;
}

int directory_import_file(struct store *st, const char *path, enum directory_format format,
			  unsigned flags, struct directory_counts *counts, char *err, size_t errlen)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	struct stat sb;
	char *buf;
	size_t len = 0, cap = 1 << 16;
	int rc, read_errno = 0;

	if (f == NULL)
		return err_set(err, errlen, SEUIL_ERR_IO, "cannot open %s: %s", path, strerror(errno));
	/* fopen() opens a folder; reading it would only say "input/output error" */
	if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
		if (f != stdin)
			fclose(f);
		return err_set(err, errlen, SEUIL_ERR_INVALID, "cannot read %s: is a directory", path);
	}
	buf = malloc(cap);
	while (buf != NULL) {
		size_t n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0 && ferror(f))
			read_errno = errno;
		if (n == 0 || len > DIRECTORY_MAX_BYTES)
			break;
		if (len == cap) {
			char *bigger = realloc(buf, cap * 2);
			if (bigger == NULL) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = bigger;
			cap *= 2;
		}
	}
	rc = buf == NULL ? SEUIL_ERR_NOMEM : ferror(f) ? SEUIL_ERR_IO : SEUIL_OK;
	if (f != stdin)
		fclose(f);
	if (rc != SEUIL_OK) {
		free(buf);
		return err_set(err, errlen, rc, "cannot read %s: %s", path,
			       rc == SEUIL_ERR_IO && read_errno != 0 ? strerror(read_errno) : seuil_strerror(rc));
	}
	if (len > DIRECTORY_MAX_BYTES) {
		free(buf);
		return err_set(err, errlen, SEUIL_ERR_TOO_LARGE, "%s is larger than %u bytes", path,
			       DIRECTORY_MAX_BYTES);
	}
	if (format == DIRECTORY_AUTO)
		format = looks_like_json(buf, len) ? DIRECTORY_JSON : DIRECTORY_CSV;
	if (format == DIRECTORY_JSON)
		rc = directory_import_json(st, buf, len, flags, counts, err, errlen);
	else
		rc = directory_import_csv(st, buf, len, flags, counts, err, errlen);
	free(buf);
	return rc;
}
