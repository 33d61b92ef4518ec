/*
 * test_dump.h - a whole store as one string, for tests that must show a
 * refused change left the database byte for byte as it was: every row of
 * every table, read on a connection of its own, sorted within each table.
 * Header-only; include after cmocka.h.
 */
#ifndef SEUIL_TEST_DUMP_H
#define SEUIL_TEST_DUMP_H

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

__attribute__((unused)) static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Every row of every table, read on a connection of its own, rows sorted
 * within each table: equal strings mean equal stores.  The caller frees.
 */
__attribute__((unused)) static char *dump(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *tables = NULL, *rows = NULL;
	char *out = sqlite3_mprintf("%s", "");

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'table'"
						" ORDER BY name", -1, &tables, NULL), SQLITE_OK);
	while (sqlite3_step(tables) == SQLITE_ROW) {
		char *sql = sqlite3_mprintf("SELECT * FROM \"%w\"", (const char *)sqlite3_column_text(tables, 0));
		char **lines = NULL;
		size_t n = 0;
		assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &rows, NULL), SQLITE_OK);
		sqlite3_free(sql);
		while (sqlite3_step(rows) == SQLITE_ROW) {
			char *line = sqlite3_mprintf("%s", "");
			for (int c = 0; c < sqlite3_column_count(rows); c++) {
				const unsigned char *v = sqlite3_column_text(rows, c);
				char *longer = sqlite3_mprintf("%s|%s", line, v != NULL ? (const char *)v : "NULL");
				sqlite3_free(line);
				line = longer;
			}
			lines = realloc(lines, (n + 1) * sizeof(*lines));
			assert_non_null(lines);
			lines[n++] = line;
		}
		sqlite3_finalize(rows);
		if (n > 1)
			qsort(lines, n, sizeof(*lines), cmp_str);
		char *with = sqlite3_mprintf("%s\n[%s]", out, sqlite3_column_text(tables, 0));
		sqlite3_free(out);
		out = with;
		for (size_t i = 0; i < n; i++) {
			with = sqlite3_mprintf("%s\n%s", out, lines[i]);
			sqlite3_free(out);
			sqlite3_free(lines[i]);
			out = with;
		}
		free(lines);
	}
	sqlite3_finalize(tables);
	sqlite3_close(db);
	return out;
}

#endif
