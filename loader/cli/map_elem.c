// SPDX-License-Identifier: BSD-2-Clause
/*
 * map_elem.c - bpfload map lookup|update|delete: single entries, and
 * many entries from a file with BPF_MAP_UPDATE_BATCH.
 *
 * Keys and values are hex bytes in memory order.  A per-CPU value is
 * either one value (written to every CPU) or one per possible CPU, back
 * to back; in the kernel's buffer each CPU's value starts at a multiple
 * of 8 bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpfload/maputil.h>

#include "cli/cli.h"

#define UPDATE_CHUNK 65536		/* entries per BPF_MAP_UPDATE_BATCH */

/* An open map and the layout of its values. */
struct elem_map {
	int fd;
	struct bpf_map_info info;
	bool percpu;
	int ncpus;
	int *cpus;
	__u32 cpu_stride, stride;
};

static int open_elem_map(struct elem_map *m, const char *what, __u32 file_flags)
{
	memset(m, 0, sizeof(*m));
	m->fd = cli_open_map(what, file_flags, &m->info);
	if (m->fd < 0)
		return -1;
	m->percpu = bl_map_type_percpu(m->info.type);
	m->ncpus = 1;
	if (m->percpu) {
		m->ncpus = cli_possible_cpus(&m->cpus);
		if (m->ncpus < 0) {
			cli_sys_error(m->ncpus, "cannot read /sys/devices/system/cpu/possible");
			close(m->fd);
			return -1;
		}
	}
	m->cpu_stride = m->percpu ? (m->info.value_size + 7) & ~7U : m->info.value_size;
	m->stride = m->cpu_stride * m->ncpus;
	return 0;
}

static void close_elem_map(struct elem_map *m)
{
	close(m->fd);
	free(m->cpus);
}

static int parse_key(const struct elem_map *m, const char *s, void *key)
{
	size_t got;

	if (!cli_parse_hex(s, key, m->info.key_size, &got))
		return 0;
	cli_error("key '%s': want %u hex bytes, found %s%zu", s, m->info.key_size,
		  got == m->info.key_size ? "invalid hex after " : "", got);
	return -1;
}

/* One value for every CPU, or one per CPU back to back. */
static int parse_value(const struct elem_map *m, const char *s, unsigned char *val)
{
	__u32 vs = m->info.value_size;
	size_t got, all = (size_t)vs * m->ncpus;
	unsigned char *tmp = malloc(all ? all : 1);
	int err = -1;

	if (!tmp)
		return -1;
	memset(val, 0, m->stride);
	if (!cli_parse_hex(s, tmp, vs, &got)) {
		for (int c = 0; c < m->ncpus; c++)
			memcpy(val + (size_t)c * m->cpu_stride, tmp, vs);
		err = 0;
	} else if (m->percpu && !cli_parse_hex(s, tmp, all, &got)) {
		for (int c = 0; c < m->ncpus; c++)
			memcpy(val + (size_t)c * m->cpu_stride, tmp + (size_t)c * vs, vs);
		err = 0;
	} else if (m->percpu) {
		cli_error("value '%s': want %u hex bytes (all CPUs) or %zu (%d CPUs), found %zu",
			  s, vs, all, m->ncpus, got);
	} else {
		cli_error("value '%s': want %u hex bytes, found %zu", s, vs, got);
	}
	free(tmp);
	return err;
}

/* ---- lookup ------------------------------------------------------------------------ */

static void print_value(const struct elem_map *m, const void *key, const unsigned char *val)
{
	char *buf = malloc(3 * (size_t)(m->info.key_size + m->info.value_size) + 16);
	struct json j;

	if (!buf)
		return;
	if (cli.json) {
		json_init(&j, stdout, cli.pretty);
		json_object_begin(&j);
		json_key(&j, "key");
		json_hex(&j, key, m->info.key_size);
		if (m->percpu) {
			json_key(&j, "values");
			json_array_begin(&j);
			for (int c = 0; c < m->ncpus; c++) {
				json_object_begin(&j);
				json_kv_u64(&j, "cpu", m->cpus[c]);
				json_key(&j, "value");
				json_hex(&j, val + (size_t)c * m->cpu_stride, m->info.value_size);
				json_object_end(&j);
			}
			json_array_end(&j);
		} else {
			json_key(&j, "value");
			json_hex(&j, val, m->info.value_size);
		}
		json_object_end(&j);
		json_finish(&j);
	} else {
		*cli_hex(buf, key, m->info.key_size, ' ') = '\0';
		printf("key: %s", buf);
		for (int c = 0; c < m->ncpus; c++) {
			*cli_hex(buf, val + (size_t)c * m->cpu_stride, m->info.value_size,
				 ' ') = '\0';
			if (m->percpu)
				printf("\n  cpu%d: %s", m->cpus[c], buf);
			else
				printf("  value: %s", buf);
		}
		putchar('\n');
	}
	free(buf);
}

static void usage_lookup(FILE *f)
{
	fprintf(f,
		"Usage: bpfload map lookup ID|PIN KEY [--json|--pretty]\n"
		"\n"
		"Print the value of KEY (hex bytes in memory order, e.g. \"01 00 00 00\").\n");
}

static void parse_simple(int argc, char **argv, const char *cmd, cli_usage_fn usage,
			 int nargs, const char *want)
{
	static const struct option opts[] = { CLI_COMMON_LONGOPTS, { NULL, 0, NULL, 0 } };
	int c;

	cli_getopt_reset(argv);
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, opts, NULL)) != -1)
		cli_common_opt(c, cmd, usage);
	cli_want_args(argc - optind, nargs, nargs, cmd, want);
}

int cmd_map_lookup(int argc, char **argv)
{
	struct elem_map m;
	unsigned char *key = NULL, *val = NULL;
	int err, status = 1;

	parse_simple(argc, argv, "map lookup", usage_lookup, 2, "ID|PIN KEY");
	if (open_elem_map(&m, argv[optind], BPF_F_RDONLY))
		return 1;
	key = malloc(m.info.key_size + 1);
	val = malloc(m.stride + 1);
	if (!key || !val || parse_key(&m, argv[optind + 1], key))
		goto out;
	err = bl_sys_map_lookup_elem(m.fd, key, val, 0);
	if (err == -ENOENT)
		cli_error("map %u has no key %s", m.info.id, argv[optind + 1]);
	else if (err)
		cli_sys_error(err, "lookup in map %u failed", m.info.id);
	else
		print_value(&m, key, val);
	status = err ? 1 : 0;
out:
	free(key);
	free(val);
	close_elem_map(&m);
	return status;
}

/* ---- delete ------------------------------------------------------------------------- */

static void usage_delete(FILE *f)
{
	fprintf(f,
		"Usage: bpfload map delete ID|PIN KEY\n"
		"\n"
		"Remove KEY (hex bytes in memory order) from the map.\n");
}

int cmd_map_delete(int argc, char **argv)
{
	struct elem_map m;
	unsigned char *key;
	int err = -1;

	parse_simple(argc, argv, "map delete", usage_delete, 2, "ID|PIN KEY");
	if (open_elem_map(&m, argv[optind], 0))
		return 1;
	key = malloc(m.info.key_size + 1);
	if (key && !parse_key(&m, argv[optind + 1], key)) {
		err = bl_sys_map_delete_elem(m.fd, key);
		if (err == -ENOENT)
			cli_error("map %u has no key %s", m.info.id, argv[optind + 1]);
		else if (err)
			cli_sys_error(err, "delete from map %u failed", m.info.id);
	}
	free(key);
	close_elem_map(&m);
	return err ? 1 : 0;
}

/* ---- update -------------------------------------------------------------------------- */

static void usage_update(FILE *f)
{
	fprintf(f,
		"Usage: bpfload map update ID|PIN KEY VALUE [--noexist|--exist]\n"
		"       bpfload map update ID|PIN --from FILE [--noexist|--exist]\n"
		"\n"
		"Write one entry, or every entry listed in FILE ('-' for stdin) with batched\n"
		"updates (BPF_MAP_UPDATE_BATCH).  KEY and VALUE are hex bytes in memory order;\n"
		"for per-CPU maps VALUE is one value for all CPUs or one per CPU back to back.\n"
		"FILE has one entry per line: 'KEY VALUE' as two words (\"01000000 2a00\",\n"
		"\"01:00:00:00 2a:00\"), or a line of 'bpfload map dump' output for a map\n"
		"that is not per-CPU; blank lines, lines starting with '#' and the\n"
		"'N entries' line of a dump are skipped.\n"
		"\n"
		"Options:\n"
		"      --noexist        only create entries (BPF_NOEXIST)\n"
		"      --exist          only change existing entries (BPF_EXIST)\n"
		"      --from FILE      entries from FILE\n");
}

struct update_args {
	__u64 flags;
	const char *from;
};

static void parse_update(int argc, char **argv, struct update_args *a)
{
	enum { OPT_NOEXIST = 256, OPT_EXIST, OPT_FROM };
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{ "noexist", no_argument,	NULL, OPT_NOEXIST },
		{ "exist",   no_argument,	NULL, OPT_EXIST },
		{ "from",    required_argument, NULL, OPT_FROM },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = "map update";
	int c;

	cli_getopt_reset(argv);
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, opts, NULL)) != -1) {
		if (c == OPT_NOEXIST)
			a->flags = BPF_NOEXIST;
		else if (c == OPT_EXIST)
			a->flags = BPF_EXIST;
		else if (c == OPT_FROM)
			a->from = optarg;
		else
			cli_common_opt(c, cmd, usage_update);
	}
	if (a->from)
		cli_want_args(argc - optind, 1, 1, cmd, "ID|PIN (with --from)");
	else
		cli_want_args(argc - optind, 3, 3, cmd, "ID|PIN KEY VALUE");
}

static void update_error(const struct elem_map *m, int err, const char *what)
{
	if (err == -EEXIST)
		cli_error("map %u: %s: the key exists (--noexist)", m->info.id, what);
	else if (err == -ENOENT)
		cli_error("map %u: %s: no such key (--exist)", m->info.id, what);
	else if (err == -E2BIG)
		cli_error("map %u: %s: the map is full (max_entries %u) or the key is out of"
			  " range", m->info.id, what, m->info.max_entries);
	else
		cli_sys_error(err, "map %u: %s failed", m->info.id, what);
}

/* Entries read from a file, written in chunks. */
struct chunk {
	unsigned char *keys, *vals;
	__u32 n;
	unsigned long first_line;	/* line of entry 0 of the chunk */
	unsigned long *lines;		/* line of each entry */
	bool no_batch;
};

static int flush_by_elem(const struct elem_map *m, struct chunk *ch, __u64 flags)
{
	char what[64];

	for (__u32 i = 0; i < ch->n; i++) {
		int err = bl_sys_map_update_elem(m->fd, ch->keys + (size_t)i * m->info.key_size,
						 ch->vals + (size_t)i * m->stride, flags);

		if (err) {
			snprintf(what, sizeof(what), "update from line %lu", ch->lines[i]);
			update_error(m, err, what);
			return err;
		}
	}
	return 0;
}

static int flush_chunk(const struct elem_map *m, struct chunk *ch, __u64 flags)
{
	__u32 n = ch->n;
	char what[64];
	int err;

	if (!n)
		return 0;
	if (ch->no_batch) {
		err = flush_by_elem(m, ch, flags);
		ch->n = 0;
		return err;
	}
	err = bl_sys_map_update_batch(m->fd, ch->keys, ch->vals, &n, flags);
	/*
	 * The kernel writes back how many it did, except when it refuses
	 * the whole call (no batch update for this map type or kernel):
	 * then the count is as we passed it.  Go key by key from then on.
	 */
	if ((err == -EINVAL || err == -ENOTSUPP || err == -EOPNOTSUPP) &&
	    (n == ch->n || n == 0)) {
		ch->no_batch = true;
		return flush_chunk(m, ch, flags);
	}
	if (err) {
		snprintf(what, sizeof(what), "update from line %lu", ch->lines[n < ch->n ? n : 0]);
		update_error(m, err, what);
	}
	ch->n = 0;
	return err;
}

/* "KEY VALUE" or "key: .. value: ..": split in place. */
static int split_line(char *line, char **key, char **val)
{
	char *v;

	if (!strncmp(line, "key:", 4)) {
		v = strstr(line, "value:");
		if (!v)
			return -1;
		*v = '\0';
		*key = line + 4;
		*val = v + 6;
		return 0;
	}
	*key = strtok(line, " \t");
	*val = strtok(NULL, " \t");
	return *key && *val && !strtok(NULL, " \t") ? 0 : -1;
}

/* The "N entries" line that ends map dump output. */
static bool is_dump_summary(const char *line)
{
	unsigned long n;
	int end = 0;

	return (sscanf(line, "%lu entries%n", &n, &end) == 1 ||
		sscanf(line, "%lu entry%n", &n, &end) == 1) && end && !line[end];
}

static int add_line(const struct elem_map *m, struct chunk *ch, char *line,
		    unsigned long nr, const char *path)
{
	char *key, *val;

	line[strcspn(line, "\r\n")] = '\0';
	line += strspn(line, " \t");
	if (!*line || *line == '#' || is_dump_summary(line))
		return 0;
	if (split_line(line, &key, &val)) {
		cli_error("%s:%lu: want 'KEY VALUE' (two hex words)", path, nr);
		return -1;
	}
	if (parse_key(m, key, ch->keys + (size_t)ch->n * m->info.key_size) ||
	    parse_value(m, val, ch->vals + (size_t)ch->n * m->stride)) {
		cli_error("%s:%lu: entry not written", path, nr);
		return -1;
	}
	ch->lines[ch->n++] = nr;
	return 0;
}

static int update_from(const struct elem_map *m, const char *path, __u64 flags)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	struct chunk ch = { 0 };
	char *line = NULL;
	size_t cap = 0;
	unsigned long nr = 0, total = 0;
	int err = 0;

	if (!f) {
		cli_sys_error(-errno, "cannot open %s", path);
		return 1;
	}
	/* batch updates take no BPF_NOEXIST/BPF_EXIST: those go key by key */
	ch.no_batch = flags != BPF_ANY;
	ch.keys = malloc((size_t)UPDATE_CHUNK * m->info.key_size + 1);
	ch.vals = malloc((size_t)UPDATE_CHUNK * m->stride + 1);
	ch.lines = malloc(UPDATE_CHUNK * sizeof(*ch.lines));
	if (!ch.keys || !ch.vals || !ch.lines) {
		cli_error("out of memory");
		err = -ENOMEM;
	}
	while (!err && !cli_interrupted && getline(&line, &cap, f) > 0) {
		err = add_line(m, &ch, line, ++nr, path);
		if (!err && ch.n == UPDATE_CHUNK) {
			total += ch.n;
			err = flush_chunk(m, &ch, flags);
		}
	}
	total += ch.n;
	if (!err && !cli_interrupted)
		err = flush_chunk(m, &ch, flags);
	if (!err && !cli.json)
		printf("%lu %s written to map %u\n", total, total == 1 ? "entry" : "entries",
		       m->info.id);
	if (f != stdin)
		fclose(f);
	free(line);
	free(ch.keys);
	free(ch.vals);
	free(ch.lines);
	return err ? 1 : 0;
}

static int update_one(const struct elem_map *m, const char *key_s, const char *val_s,
		      __u64 flags)
{
	unsigned char *key = malloc(m->info.key_size + 1), *val = malloc(m->stride + 1);
	int err = -1;

	if (key && val && !parse_key(m, key_s, key) && !parse_value(m, val_s, val)) {
		err = bl_sys_map_update_elem(m->fd, key, val, flags);
		if (err)
			update_error(m, err, "update");
	}
	free(key);
	free(val);
	return err ? 1 : 0;
}

int cmd_map_update(int argc, char **argv)
{
	struct update_args a = { 0 };
	struct elem_map m;
	int status;

	parse_update(argc, argv, &a);
	if (open_elem_map(&m, argv[optind], 0))
		return 1;
	if (a.from)
		status = update_from(&m, a.from, a.flags);
	else
		status = update_one(&m, argv[optind + 1], argv[optind + 2], a.flags);
	close_elem_map(&m);
	return status;
}
