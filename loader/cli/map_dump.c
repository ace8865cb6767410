// SPDX-License-Identifier: BSD-2-Clause
/*
 * map_dump.c - bpfload map dump ID|PIN: every key and value, fast.
 *
 * Speed comes from three things:
 *   - BPF_MAP_LOOKUP_BATCH with large batches (one system call per tens
 *     of thousands of entries instead of two per entry);
 *   - hex written by hand from a table into one line buffer per entry;
 *   - a 1 MiB stdio buffer written with fwrite_unlocked.
 * Kernels or map types without batch lookup (-EINVAL, -ENOTSUPP,
 * -EOPNOTSUPP on the first call) fall back to GET_NEXT_KEY + LOOKUP_ELEM.
 *
 * Per-CPU maps hold one value per possible CPU, each rounded up to 8
 * bytes in the buffer the kernel fills; they print one line per CPU.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpfload/maputil.h>

#include "cli/cli.h"

#define CMD "map dump"
#define OUT_BUFFER	(1 << 20)
#define BATCH_BYTES	(1 << 20)	/* keys + values fetched per call */
#define BATCH_MIN	64
#define BATCH_MAX	(1 << 20)

struct dump {
	int fd;
	struct bpf_map_info info;
	__u32 stride;			/* bytes per value in the buffers */
	__u32 cpu_stride;		/* per-CPU: value size rounded up to 8 */
	bool percpu;
	int ncpus;
	int *cpus;			/* ids of the possible CPUs */
	char *line;			/* one formatted entry */
	__u64 count;
	struct json j;
	/* options */
	bool no_batch;
	__u32 batch;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: bpfload map dump ID|PIN [--json|--pretty] [--batch-size N] [--no-batch]\n"
		"\n"
		"Print every key and value of a map in hex bytes, in memory order.  Per-CPU\n"
		"maps print one value per possible CPU.  Uses batched lookups\n"
		"(BPF_MAP_LOOKUP_BATCH), or key-by-key iteration where the kernel or the map\n"
		"type has none.\n"
		"\n"
		"Options:\n"
		"      --batch-size N   entries per batch call (default: about 1 MiB worth)\n"
		"      --no-batch       iterate key by key (GET_NEXT_KEY + LOOKUP_ELEM)\n");
}

/* ---- formatting -------------------------------------------------------------------- */

/* "xx " for every byte value: three bytes copied per byte dumped. */
static char hex3[256][3];

static void init_hex(void)
{
	static const char d[] = "0123456789abcdef";

	for (int i = 0; i < 256; i++) {
		hex3[i][0] = d[i >> 4];
		hex3[i][1] = d[i & 15];
		hex3[i][2] = ' ';
	}
}

/* "01 02 03" (no trailing blank); returns the end. */
static char *put_hex_spaced(char *p, const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i++, p += 3)
		memcpy(p, hex3[b[i]], 3);
	return n ? p - 1 : p;
}

/* "010203" */
static char *put_hex(char *p, const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i++, p += 2)
		memcpy(p, hex3[b[i]], 2);
	return p;
}

static char *put_str(char *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	return p + n;
}

static char *put_uint(char *p, unsigned int v)
{
	char tmp[12];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static void emit_human(struct dump *d, const unsigned char *key, const unsigned char *val)
{
	__u32 vs = d->info.value_size;
	char *p = put_str(d->line, "key: ");

	p = put_hex_spaced(p, key, d->info.key_size);
	if (!d->percpu) {
		p = put_str(p, "  value: ");
		p = put_hex_spaced(p, val, vs);
		*p++ = '\n';
	} else {
		*p++ = '\n';
		for (int c = 0; c < d->ncpus; c++) {
			p = put_str(p, "  cpu");
			p = put_uint(p, d->cpus[c]);
			p = put_str(p, ": ");
			p = put_hex_spaced(p, val + (size_t)c * d->cpu_stride, vs);
			*p++ = '\n';
		}
	}
	fwrite_unlocked(d->line, 1, p - d->line, stdout);
}

static void emit_json(struct dump *d, const unsigned char *key, const unsigned char *val)
{
	__u32 vs = d->info.value_size;
	char *p = put_str(d->line, "{\"key\":\"");

	p = put_hex(p, key, d->info.key_size);
	if (!d->percpu) {
		p = put_str(p, "\",\"value\":\"");
		p = put_hex(p, val, vs);
		p = put_str(p, "\"}");
	} else {
		p = put_str(p, "\",\"values\":[");
		for (int c = 0; c < d->ncpus; c++) {
			p = put_str(p, c ? ",{\"cpu\":" : "{\"cpu\":");
			p = put_uint(p, d->cpus[c]);
			p = put_str(p, ",\"value\":\"");
			p = put_hex(p, val + (size_t)c * d->cpu_stride, vs);
			p = put_str(p, "\"}");
		}
		p = put_str(p, "]}");
	}
	json_raw(&d->j, d->line, p - d->line);
}

static void emit(struct dump *d, const void *key, const void *val)
{
	if (cli.json)
		emit_json(d, key, val);
	else
		emit_human(d, key, val);
	d->count++;
}

/* ---- walking the map ------------------------------------------------------------------ */

static bool batch_unsupported(int err)
{
	return err == -EINVAL || err == -ENOTSUPP || err == -EOPNOTSUPP;
}

static __u32 default_batch(const struct dump *d)
{
	size_t per = (size_t)d->info.key_size + d->stride;
	size_t n = BATCH_BYTES / (per ? per : 1);

	if (n < BATCH_MIN)
		n = BATCH_MIN;
	if (n > BATCH_MAX)
		n = BATCH_MAX;
	return (__u32)n;
}

struct batch_bufs {
	unsigned char *keys, *vals;
	void *cursor[2];
	__u32 size;
};

static int batch_alloc(struct batch_bufs *b, const struct dump *d, __u32 size)
{
	size_t csize = d->info.key_size > 8 ? d->info.key_size : 8;

	free(b->keys);
	free(b->vals);
	b->keys = malloc((size_t)size * d->info.key_size);
	b->vals = malloc((size_t)size * d->stride);
	if (!b->cursor[0])
		b->cursor[0] = calloc(1, csize);
	if (!b->cursor[1])
		b->cursor[1] = calloc(1, csize);
	b->size = size;
	return b->keys && b->vals && b->cursor[0] && b->cursor[1] ? 0 : -ENOMEM;
}

static void batch_free(struct batch_bufs *b)
{
	free(b->keys);
	free(b->vals);
	free(b->cursor[0]);
	free(b->cursor[1]);
}

static void emit_batch(struct dump *d, const struct batch_bufs *b, __u32 n)
{
	for (__u32 i = 0; i < n && !cli_interrupted; i++)
		emit(d, b->keys + (size_t)i * d->info.key_size, b->vals + (size_t)i * d->stride);
}

/*
 * Returns 0 when done, 1 when the caller should fall back to key-by-key
 * iteration (nothing was printed yet), -errno on failure.
 */
static int dump_batched(struct dump *d)
{
	struct batch_bufs b = { 0 };
	void *in = NULL;
	int err = 0, turn = 0;
	bool first = true;

	if (batch_alloc(&b, d, d->batch ? d->batch : default_batch(d)))
		goto nomem;
	while (!cli_interrupted) {
		__u32 n = b.size;

		err = bl_sys_map_lookup_batch(d->fd, in, b.cursor[turn], b.keys, b.vals, &n, 0);
		if (err == -ENOSPC && !n && b.size < BATCH_MAX) {
			/* a hash bucket holds more than a batch: take more */
			if (batch_alloc(&b, d, b.size * 2))
				goto nomem;
			continue;
		}
		if (err && err != -ENOENT) {
			if (first && batch_unsupported(err))
				err = 1;
			break;
		}
		first = false;
		emit_batch(d, &b, n);
		if (err == -ENOENT) {
			err = 0;
			break;
		}
		in = b.cursor[turn];
		turn ^= 1;
	}
	batch_free(&b);
	return err;
nomem:
	batch_free(&b);
	return -ENOMEM;
}

static int dump_by_key(struct dump *d)
{
	unsigned char *key = malloc(d->info.key_size), *next = malloc(d->info.key_size);
	unsigned char *val = malloc(d->stride), *tmp;
	int err = -ENOMEM;

	if (!key || !next || !val)
		goto out;
	err = bl_sys_map_get_next_key(d->fd, NULL, next);
	while (!err && !cli_interrupted) {
		err = bl_sys_map_lookup_elem(d->fd, next, val, 0);
		if (!err)
			emit(d, next, val);
		else if (err != -ENOENT)	/* ENOENT: deleted meanwhile */
			break;
		tmp = key;
		key = next;
		next = tmp;
		err = bl_sys_map_get_next_key(d->fd, key, next);
	}
	if (err == -ENOENT)
		err = 0;
out:
	free(key);
	free(next);
	free(val);
	return err;
}

/* ---- setup ----------------------------------------------------------------------------- */

static int prepare(struct dump *d)
{
	char type[CLI_NAME_LEN];
	size_t line;

	d->percpu = bl_map_type_percpu(d->info.type);
	d->ncpus = 1;
	if (d->percpu) {
		d->ncpus = cli_possible_cpus(&d->cpus);
		if (d->ncpus < 0) {
			cli_sys_error(d->ncpus, "cannot read /sys/devices/system/cpu/possible");
			return -1;
		}
	}
	if (!d->info.key_size) {
		cli_error("map %u is a %s map, which has no keys: nothing to dump", d->info.id,
			  cli_map_type(d->info.type, type, sizeof(type)));
		return -1;
	}
	d->cpu_stride = (d->info.value_size + 7) & ~7U;
	d->stride = d->percpu ? d->cpu_stride * d->ncpus : d->info.value_size;
	line = 64 + 3 * (size_t)d->info.key_size +
	       (size_t)d->ncpus * (64 + 3 * (size_t)d->info.value_size);
	d->line = malloc(line);
	if (!d->line) {
		cli_error("out of memory");
		return -1;
	}
	return 0;
}

static void json_head(struct dump *d)
{
	char type[CLI_NAME_LEN];

	json_init(&d->j, stdout, cli.pretty);
	json_object_begin(&d->j);
	json_kv_u64(&d->j, "id", d->info.id);
	json_kv_string(&d->j, "name", d->info.name);
	json_kv_string(&d->j, "type", cli_map_type(d->info.type, type, sizeof(type)));
	json_kv_u64(&d->j, "key_size", d->info.key_size);
	json_kv_u64(&d->j, "value_size", d->info.value_size);
	json_kv_u64(&d->j, "max_entries", d->info.max_entries);
	json_kv_bool(&d->j, "percpu", d->percpu);
	json_key(&d->j, "entries");
	json_array_begin(&d->j);
}

static void json_tail(struct dump *d)
{
	json_array_end(&d->j);
	json_kv_u64(&d->j, "count", d->count);
	json_kv_bool(&d->j, "complete", !cli_interrupted);
	json_object_end(&d->j);
	json_finish(&d->j);
}

static int walk(struct dump *d)
{
	int err = 1;

	if (!d->no_batch)
		err = dump_batched(d);
	if (err == 1)
		err = dump_by_key(d);
	if (err == -EOPNOTSUPP || err == -ENOTSUPP) {
		char type[CLI_NAME_LEN];

		cli_error("map %u: a %s map cannot be read from user space", d->info.id,
			  cli_map_type(d->info.type, type, sizeof(type)));
	} else if (err) {
		cli_sys_error(err, "reading map %u failed after %llu entries", d->info.id,
			      (unsigned long long)d->count);
	}
	return err;
}

static void parse_args(int argc, char **argv, struct dump *d)
{
	enum { OPT_BATCH_SIZE = 256, OPT_NO_BATCH };
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{ "batch-size", required_argument, NULL, OPT_BATCH_SIZE },
		{ "no-batch",	no_argument,	   NULL, OPT_NO_BATCH },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	cli_getopt_reset(argv);
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, opts, NULL)) != -1) {
		if (c == OPT_BATCH_SIZE) {
			if (!cli_parse_u32(optarg, &d->batch) || !d->batch || d->batch > BATCH_MAX)
				cli_usage_error(CMD, "--batch-size wants 1..%d, not '%s'",
						BATCH_MAX, optarg);
		} else if (c == OPT_NO_BATCH) {
			d->no_batch = true;
		} else {
			cli_common_opt(c, CMD, usage);
		}
	}
	cli_want_args(argc - optind, 1, 1, CMD, "ID|PIN");
}

int cmd_map_dump(int argc, char **argv)
{
	static char outbuf[OUT_BUFFER];
	struct dump d = { 0 };
	int err = -1;

	parse_args(argc, argv, &d);
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	init_hex();
	d.fd = cli_open_map(argv[optind], BPF_F_RDONLY, &d.info);
	if (d.fd < 0)
		return 1;
	if (prepare(&d))
		goto out;
	if (cli.json)
		json_head(&d);
	err = walk(&d);
	if (cli.json)
		json_tail(&d);
	if (cli_interrupted)
		cli_error("interrupted after %llu entries", (unsigned long long)d.count);
	else if (!err && !cli.json)
		printf("%llu %s\n", (unsigned long long)d.count,
		       d.count == 1 ? "entry" : "entries");
out:
	close(d.fd);
	free(d.cpus);
	free(d.line);
	return err ? 1 : 0;
}
