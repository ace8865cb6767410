// SPDX-License-Identifier: BSD-2-Clause
/*
 * inspect.c - bpfload inspect OBJ: what an object file holds.
 *
 * Uses only the object API, which never calls into the kernel: works as
 * any user and on machines without BPF.  The JSON schema is documented
 * in loader/cli/README.md.
 */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define CMD "inspect"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: bpfload inspect OBJ [--json|--pretty]\n"
		"\n"
		"Show what a BPF object file holds, without loading it: sections, programs\n"
		"(type, expected attach type, attach target, size, subprograms), maps (type,\n"
		"sizes, flags, origin, pinning, inner map), relocations per program, CO-RE\n"
		"relocations (what each will ask of the kernel's types at load), license,\n"
		"version and BTF.  Needs no kernel support and no privileges.\n");
}

/* ---- names ------------------------------------------------------------------ */

#ifndef SHT_LLVM_ADDRSIG
#define SHT_LLVM_ADDRSIG 0x6fff4c03
#endif

static const char *section_type(__u32 type, char *buf, size_t len)
{
	static const char *const names[] = {
		[SHT_NULL] = "NULL", [SHT_PROGBITS] = "PROGBITS", [SHT_SYMTAB] = "SYMTAB",
		[SHT_STRTAB] = "STRTAB", [SHT_RELA] = "RELA", [SHT_HASH] = "HASH",
		[SHT_DYNAMIC] = "DYNAMIC", [SHT_NOTE] = "NOTE", [SHT_NOBITS] = "NOBITS",
		[SHT_REL] = "REL", [SHT_DYNSYM] = "DYNSYM",
	};

	if (type < ARRAY_SIZE(names) && names[type])
		return names[type];
	if (type == SHT_LLVM_ADDRSIG)
		return "LLVM_ADDRSIG";
	snprintf(buf, len, "0x%x", type);
	return buf;
}

/* readelf's letters for the section flags that matter here. */
static const char *section_flags(__u64 flags, char *buf)
{
	static const struct { __u64 bit; char c; } letters[] = {
		{ SHF_WRITE, 'W' }, { SHF_ALLOC, 'A' }, { SHF_EXECINSTR, 'X' },
		{ SHF_MERGE, 'M' }, { SHF_STRINGS, 'S' }, { SHF_INFO_LINK, 'I' },
		{ SHF_GROUP, 'G' }, { SHF_TLS, 'T' }, { SHF_EXCLUDE, 'E' },
	};
	char *p = buf;

	for (size_t i = 0; i < ARRAY_SIZE(letters); i++)
		if (flags & letters[i].bit)
			*p++ = letters[i].c;
	*p = '\0';
	return buf;
}

static const char *reloc_kind(enum bl_reloc_kind kind)
{
	switch (kind) {
	case BL_RELOC_MAP_FD:		return "map_fd";
	case BL_RELOC_MAP_VALUE:	return "map_value";
	case BL_RELOC_CALL:		return "call";
	case BL_RELOC_FUNC_PTR:		return "func_ptr";
	case BL_RELOC_KCONFIG:		return "kconfig";
	case BL_RELOC_KSYM:		return "ksym";
	case BL_RELOC_KFUNC:		return "kfunc";
	}
	return "unknown";
}

/*
 * Expected attach type 0 is also BPF_CGROUP_INET_INGRESS, so 0 means
 * "none" except for cgroup_skb programs from a "cgroup_skb/" section,
 * whose direction the section names ("cgroup/skb" leaves it to attach).
 */
static bool has_attach_type(const struct bl_program *p)
{
	if (bl_program_expected_attach_type(p))
		return true;
	return bl_program_type(p) == BPF_PROG_TYPE_CGROUP_SKB &&
	       !strncmp(bl_program_section(p), "cgroup_skb/", 11);
}

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

/* "6.1.192" from a LINUX_VERSION_CODE. */
static const char *kern_version(__u32 v, char *buf, size_t len)
{
	if (!v)
		return "none";
	snprintf(buf, len, "0x%06x (%u.%u.%u)", v, v >> 16, (v >> 8) & 0xff, v & 0xff);
	return buf;
}

/* ---- human output ------------------------------------------------------------ */

static void print_header(const struct bl_object *obj, const char *path)
{
	char buf[64];

	printf("object   %s\n", path);
	printf("name     %s\n", bl_object_name(obj));
	printf("license  %s\n", or_dash(bl_object_license(obj)));
	printf("version  %s\n", kern_version(bl_object_kern_version(obj), buf, sizeof(buf)));
	printf("btf      .BTF %s, .BTF.ext %s\n", bl_object_has_btf(obj) ? "yes" : "no",
	       bl_object_has_btf_ext(obj) ? "yes" : "no");
}

static void print_sections(const struct bl_object *obj)
{
	static const char *const head[] = { "IDX", "NAME", "TYPE", "FLAGS", "SIZE", "ROLE", NULL };
	struct bl_section_info s;
	struct table t;
	char buf[32];
	size_t n = 0;

	table_init(&t, head, "rlllrl");
	for (size_t i = 0; i < bl_object_section_count(obj); i++) {
		if (bl_object_section(obj, i, &s) || s.type == SHT_NULL)
			continue;
		table_row(&t);
		table_cell(&t, "%u", s.index);
		table_cell(&t, "%s", s.name);
		table_cell(&t, "%s", section_type(s.type, buf, sizeof(buf)));
		table_cell(&t, "%s", section_flags(s.flags, buf));
		table_cell(&t, "%llu", (unsigned long long)s.size);
		table_cell(&t, "%s", or_dash(s.role));
		n++;
	}
	printf("\nSections (%zu):\n", n);
	table_print(&t, stdout, "  ");
	table_free(&t);
}

static void subprog_list(const struct bl_program *p, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < bl_program_subprog_count(p) && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? "," : "",
				bl_program_subprog(p, i));
}

static void program_row(struct table *t, const struct bl_program *p)
{
	char type[CLI_NAME_LEN], attach[CLI_NAME_LEN], subs[256];

	subprog_list(p, subs, sizeof(subs));
	table_row(t);
	table_cell(t, "%s", bl_program_name(p));
	table_cell(t, "%s", bl_program_section(p));
	table_cell(t, "%s", cli_prog_type(bl_program_type(p), type, sizeof(type)));
	table_cell(t, "%s", has_attach_type(p) ?
		   cli_attach_type(bl_program_expected_attach_type(p), attach, sizeof(attach)) :
		   "-");
	table_cell(t, "%s", or_dash(bl_program_attach_target(p)));
	table_cell(t, "%zu", bl_program_insn_count(p));
	table_cell(t, "%s", or_dash(subs));
}

static void print_programs(const struct bl_object *obj)
{
	static const char *const head[] = { "NAME", "SECTION", "TYPE", "ATTACH TYPE",
					    "TARGET", "INSNS", "SUBPROGS", NULL };
	size_t n = bl_object_program_count(obj);
	struct table t;

	printf("\nPrograms (%zu):\n", n);
	if (!n)
		return;
	table_init(&t, head, "lllllrl");
	for (size_t i = 0; i < n; i++)
		program_row(&t, bl_object_program(obj, i));
	table_print(&t, stdout, "  ");
	table_free(&t);
}

/* "array 4/8 x4": an inner map template (type key/value xmax) in one cell. */
static const char *inner_desc(const struct bl_map *in, char *buf, size_t len)
{
	char type[CLI_NAME_LEN];

	if (!in)
		return "-";
	snprintf(buf, len, "%s %u/%u x%u", cli_map_type(bl_map_type(in), type, sizeof(type)),
		 bl_map_key_size(in), bl_map_value_size(in), bl_map_max_entries(in));
	return buf;
}

static void map_row(struct table *t, const struct bl_map *m)
{
	char type[CLI_NAME_LEN], flags[256], inner[128];

	table_row(t);
	table_cell(t, "%s", bl_map_name(m));
	table_cell(t, "%s", bl_map_kernel_name(m));
	table_cell(t, "%s", cli_map_type(bl_map_type(m), type, sizeof(type)));
	table_cell(t, "%u", bl_map_key_size(m));
	table_cell(t, "%u", bl_map_value_size(m));
	table_cell(t, "%u", bl_map_max_entries(m));
	table_cell(t, "%s", cli_map_flags(bl_map_flags(m), flags, sizeof(flags)));
	table_cell(t, "%s", bl_map_origin_name(bl_map_origin(m)));
	table_cell(t, "%s", bl_map_pinning(m) ? "by_name" : "-");
	table_cell(t, "%s", inner_desc(bl_map_inner(m), inner, sizeof(inner)));
}

static void print_maps(const struct bl_object *obj)
{
	static const char *const head[] = { "NAME", "KERNEL NAME", "TYPE", "KEY", "VALUE",
					    "MAX", "FLAGS", "ORIGIN", "PINNING", "INNER",
					    NULL };
	size_t n = bl_object_map_count(obj);
	struct table t;

	printf("\nMaps (%zu):\n", n);
	if (!n)
		return;
	table_init(&t, head, "lllrrrllll");
	for (size_t i = 0; i < n; i++)
		map_row(&t, bl_object_map(obj, i));
	table_print(&t, stdout, "  ");
	table_free(&t);
}

static void print_prog_relocs(const struct bl_program *p)
{
	static const char *const head[] = { "INSN", "KIND", "SYMBOL", "TARGET", "OFFSET",
					    NULL };
	size_t n = bl_program_reloc_count(p);
	struct table t;

	printf("  %s (%zu):\n", bl_program_name(p), n);
	if (!n)
		return;
	table_init(&t, head, "rlllr");
	for (size_t i = 0; i < n; i++) {
		const struct bl_reloc_info *r = bl_program_reloc(p, i);

		table_row(&t);
		table_cell(&t, "%u", r->insn);
		table_cell(&t, "%s", reloc_kind(r->kind));
		table_cell(&t, "%s", or_dash(r->symbol));
		table_cell(&t, "%s", or_dash(r->target));
		table_cell(&t, "%u", r->offset);
	}
	table_print(&t, stdout, "    ");
	table_free(&t);
}

static void print_relocs(const struct bl_object *obj)
{
	size_t total = 0;

	for (size_t i = 0; i < bl_object_program_count(obj); i++)
		total += bl_program_reloc_count(bl_object_program(obj, i));
	printf("\nRelocations (%zu):\n", total);
	for (size_t i = 0; i < bl_object_program_count(obj); i++)
		print_prog_relocs(bl_object_program(obj, i));
}

/* CO-RE records, only for programs that have any: fixed at load against
 * the kernel's BTF, so here they say what each instruction will ask. */
static void print_core_relos(const struct bl_object *obj)
{
	static const char *const head[] = { "INSN", "RELOCATES", NULL };
	struct bl_core_relo_info c;
	size_t total = 0;
	struct table t;

	for (size_t i = 0; i < bl_object_program_count(obj); i++)
		total += bl_program_core_relo_count(bl_object_program(obj, i));
	if (!total)
		return;
	printf("\nCO-RE relocations (%zu), applied at load against the kernel's BTF:\n", total);
	for (size_t i = 0; i < bl_object_program_count(obj); i++) {
		const struct bl_program *p = bl_object_program(obj, i);
		size_t n = bl_program_core_relo_count(p);

		if (!n)
			continue;
		printf("  %s (%zu):\n", bl_program_name(p), n);
		table_init(&t, head, "rl");
		for (size_t k = 0; !bl_program_core_relo(p, k, &c); k++) {
			table_row(&t);
			table_cell(&t, "%u", c.insn);
			table_cell(&t, "%s", c.what);
		}
		table_print(&t, stdout, "    ");
		table_free(&t);
	}
}

static void print_human(const struct bl_object *obj, const char *path)
{
	print_header(obj, path);
	print_sections(obj);
	print_programs(obj);
	print_maps(obj);
	print_relocs(obj);
	print_core_relos(obj);
}

/* ---- JSON ---------------------------------------------------------------------- */

static void json_sections(struct json *j, const struct bl_object *obj)
{
	struct bl_section_info s;
	char buf[32];

	json_key(j, "sections");
	json_array_begin(j);
	for (size_t i = 0; i < bl_object_section_count(obj); i++) {
		if (bl_object_section(obj, i, &s) || s.type == SHT_NULL)
			continue;
		json_object_begin(j);
		json_kv_u64(j, "index", s.index);
		json_kv_string(j, "name", s.name);
		json_kv_string(j, "type", section_type(s.type, buf, sizeof(buf)));
		json_kv_u64(j, "type_id", s.type);
		json_kv_string(j, "flags", section_flags(s.flags, buf));
		json_kv_u64(j, "size", s.size);
		json_kv_string(j, "role", s.role);
		json_object_end(j);
	}
	json_array_end(j);
}

static void json_relocs(struct json *j, const struct bl_program *p)
{
	json_key(j, "relocations");
	json_array_begin(j);
	for (size_t i = 0; i < bl_program_reloc_count(p); i++) {
		const struct bl_reloc_info *r = bl_program_reloc(p, i);

		json_object_begin(j);
		json_kv_u64(j, "insn", r->insn);
		json_kv_string(j, "kind", reloc_kind(r->kind));
		json_kv_string(j, "symbol", r->symbol && *r->symbol ? r->symbol : NULL);
		json_kv_string(j, "target", r->target);
		json_kv_u64(j, "offset", r->offset);
		json_object_end(j);
	}
	json_array_end(j);
}

static void json_core_relos(struct json *j, const struct bl_program *p)
{
	struct bl_core_relo_info c;

	json_key(j, "core_relocations");
	json_array_begin(j);
	for (size_t i = 0; !bl_program_core_relo(p, i, &c); i++) {
		json_object_begin(j);
		json_kv_u64(j, "insn", c.insn);
		json_kv_u64(j, "kind", c.kind);
		json_kv_string(j, "relocates", c.what);
		json_object_end(j);
	}
	json_array_end(j);
}

static void json_program(struct json *j, const struct bl_program *p)
{
	char buf[CLI_NAME_LEN];
	const char *target = bl_program_attach_target(p);

	json_object_begin(j);
	json_kv_string(j, "name", bl_program_name(p));
	json_kv_string(j, "section", bl_program_section(p));
	json_kv_string(j, "kind", bl_program_kind(p));
	json_kv_string(j, "type", cli_prog_type(bl_program_type(p), buf, sizeof(buf)));
	json_kv_u64(j, "type_id", bl_program_type(p));
	if (has_attach_type(p)) {
		__u32 at = bl_program_expected_attach_type(p);

		json_kv_string(j, "expected_attach_type", cli_attach_type(at, buf, sizeof(buf)));
		json_kv_u64(j, "expected_attach_type_id", at);
	} else {
		json_kv_null(j, "expected_attach_type");
		json_kv_null(j, "expected_attach_type_id");
	}
	json_kv_string(j, "attach_target", target && *target ? target : NULL);
	json_kv_u64(j, "insns", bl_program_insn_count(p));
	json_kv_bool(j, "autoload", bl_program_autoload(p));
	json_key(j, "subprograms");
	json_array_begin(j);
	for (size_t i = 0; i < bl_program_subprog_count(p); i++)
		json_string(j, bl_program_subprog(p, i));
	json_array_end(j);
	json_relocs(j, p);
	json_core_relos(j, p);
	json_object_end(j);
}

static void json_map_fields(struct json *j, const struct bl_map *m)
{
	char buf[CLI_NAME_LEN];

	json_kv_string(j, "name", bl_map_name(m));
	json_kv_string(j, "kernel_name", bl_map_kernel_name(m));
	json_kv_string(j, "type", cli_map_type(bl_map_type(m), buf, sizeof(buf)));
	json_kv_u64(j, "type_id", bl_map_type(m));
	json_kv_u64(j, "key_size", bl_map_key_size(m));
	json_kv_u64(j, "value_size", bl_map_value_size(m));
	json_kv_u64(j, "max_entries", bl_map_max_entries(m));
	json_kv_u64(j, "flags", bl_map_flags(m));
	json_key(j, "flag_names");
	cli_json_map_flags(j, bl_map_flags(m));
	json_kv_u64(j, "btf_key_type_id", bl_map_btf_key_type_id(m));
	json_kv_u64(j, "btf_value_type_id", bl_map_btf_value_type_id(m));
}

static void json_map(struct json *j, const struct bl_map *m)
{
	const struct bl_map *in = bl_map_inner(m);

	json_object_begin(j);
	json_map_fields(j, m);
	json_kv_string(j, "origin", bl_map_origin_name(bl_map_origin(m)));
	json_kv_string(j, "pinning", bl_map_pinning(m) ? "by_name" : NULL);
	json_key(j, "inner");
	if (in) {
		json_object_begin(j);
		json_map_fields(j, in);
		json_object_end(j);
	} else {
		json_null(j);
	}
	json_object_end(j);
}

static void print_json(const struct bl_object *obj, const char *path)
{
	struct json j;

	json_init(&j, stdout, cli.pretty);
	json_object_begin(&j);
	json_kv_string(&j, "object", path);
	json_kv_string(&j, "name", bl_object_name(obj));
	json_kv_string(&j, "license", bl_object_license(obj));
	json_kv_u64(&j, "kern_version", bl_object_kern_version(obj));
	json_kv_bool(&j, "btf", bl_object_has_btf(obj));
	json_kv_bool(&j, "btf_ext", bl_object_has_btf_ext(obj));
	json_sections(&j, obj);
	json_key(&j, "programs");
	json_array_begin(&j);
	for (size_t i = 0; i < bl_object_program_count(obj); i++)
		json_program(&j, bl_object_program(obj, i));
	json_array_end(&j);
	json_key(&j, "maps");
	json_array_begin(&j);
	for (size_t i = 0; i < bl_object_map_count(obj); i++)
		json_map(&j, bl_object_map(obj, i));
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

int cmd_inspect(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct bl_error err = { 0 };
	struct bl_object *obj;
	int c;

	cli_getopt_reset(argv);
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, opts, NULL)) != -1)
		cli_common_opt(c, CMD, usage);
	cli_want_args(argc - optind, 1, 1, CMD, "OBJ");

	obj = bl_object_open(argv[optind], NULL, &err);
	if (!obj) {
		cli_error("%s", err.msg);
		return 1;
	}
	if (cli.json)
		print_json(obj, argv[optind]);
	else
		print_human(obj, argv[optind]);
	bl_object_close(obj);
	return 0;
}
