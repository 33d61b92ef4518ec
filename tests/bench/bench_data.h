/*
 * bench_data.h - the synthetic directory the benchmarks share: a site with
 * schedules and profiles, `tenants` organisations, `people` people and
 * `creds` badges (a seventh of them revoked, a few leases ended).
 * Header-only so that each benchmark stays one program.
 */
#ifndef SEUIL_BENCH_DATA_H
#define SEUIL_BENCH_DATA_H

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static inline void uid_of(long i, char out[15])
{
	snprintf(out, 15, "04%012lX", (unsigned long)i * 2654435761ul % 0xffffffffffful);
}

/* the directory as JSON: n_people people with n_creds badges */
static inline char *make_directory(int tenants, int people, int creds, size_t *len)
{
	json_t *root = json_pack(
		"{s:{s:s,s:s}, s:[{s:s,s:s}], s:[{s:s,s:s,s:[{s:s,s:s,s:s},{s:s,s:s,s:s}]},"
		" {s:s,s:s,s:[{s:s,s:s,s:s}]}],"
		" s:[{s:s,s:[s],s:s},{s:s,s:[s],s:s}], s:[{s:s,s:s}]}",
		"site", "name", "Pôle de coopération", "timezone", "Europe/Paris",
		"doors", "id", "entree", "name", "Entrée principale",
		"schedules", "id", "bureaux", "holidays", "closed", "windows",
		"days", "mon-fri", "from", "07:00", "to", "20:00",
		"days", "sat", "from", "09:00", "to", "13:00",
		"id", "soiree", "holidays", "open", "windows", "days", "fri", "from", "22:00", "to", "02:00",
		"profiles", "id", "resident", "doors", "entree", "schedule", "bureaux",
		"id", "evenement", "doors", "entree", "schedule", "soiree",
		"closures", "date", "2026-12-24", "name", "Fermeture de fin d'année");
	json_t *ts = json_array(), *ps = json_array(), *cs = json_array();
	char id[32], name[64], uid[15];
	char *text;

	for (int t = 0; t < tenants; t++) {
		snprintf(id, sizeof(id), "t%04d", t);
		snprintf(name, sizeof(name), "Coopérative %d", t);
		json_array_append_new(ts, json_pack("{s:s,s:s,s:s,s:[s]}", "id", id, "name", name,
						    "valid_until", t % 50 == 0 ? "2026-01-31" : "2028-12-31",
						    "profiles", "resident"));
	}
	for (int p = 0; p < people; p++) {
		char tenant[32];
		snprintf(id, sizeof(id), "p%05d", p);
		snprintf(name, sizeof(name), "Personne %d", p);
		snprintf(tenant, sizeof(tenant), "t%04d", p % tenants);
		json_array_append_new(ps, json_pack("{s:s,s:s,s:s,s:[s]}", "id", id, "name", name, "tenant",
						    tenant, "profiles", "evenement"));
	}
	for (int c = 0; c < creds; c++) {
		snprintf(id, sizeof(id), "p%05d", c % people);
		uid_of(c, uid);
		json_array_append_new(cs, json_pack("{s:s,s:s,s:s}", "uid", uid, "person", id, "status",
						    c % 7 == 0 ? "revoked" : "active"));
	}
	json_object_set_new(root, "tenants", ts);
	json_object_set_new(root, "people", ps);
	json_object_set_new(root, "credentials", cs);
	text = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	*len = strlen(text);
	return text;
}

#endif
