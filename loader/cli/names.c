// SPDX-License-Identifier: BSD-2-Clause
/*
 * names.c - the short names the tool prints.
 *
 * The library names numbers as the uapi header does
 * ("BPF_PROG_TYPE_SOCKET_FILTER"); people type and read the short,
 * lower-case form ("socket_filter"), as in the section names.  Numbers
 * the library has no name for print as "unknown(N)".
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"

/* full without prefix, lower-cased, into buf; "unknown(v)" if no name. */
static const char *short_name(const char *full, const char *prefix, __u32 v,
			      char *buf, size_t len)
{
	size_t plen = strlen(prefix), i;

	if (!full) {
		snprintf(buf, len, "unknown(%u)", v);
		return buf;
	}
	if (!strncmp(full, prefix, plen))
		full += plen;
	for (i = 0; full[i] && i + 1 < len; i++)
		buf[i] = (char)tolower((unsigned char)full[i]);
	buf[i] = '\0';
	return buf;
}

const char *cli_prog_type(__u32 type, char *buf, size_t len)
{
	return short_name(bl_prog_type_name(type), "BPF_PROG_TYPE_", type, buf, len);
}

const char *cli_map_type(__u32 type, char *buf, size_t len)
{
	return short_name(bl_map_type_name(type), "BPF_MAP_TYPE_", type, buf, len);
}

const char *cli_attach_type(__u32 type, char *buf, size_t len)
{
	return short_name(bl_attach_type_name(type), "BPF_", type, buf, len);
}

bool cli_parse_map_type(const char *s, __u32 *type)
{
	char buf[CLI_NAME_LEN];

	if (cli_parse_u32(s, type))
		return true;
	if (!strncasecmp(s, "BPF_MAP_TYPE_", 13))
		s += 13;
	for (__u32 t = 1; t < 64; t++) {
		if (!bl_map_type_name(t))
			continue;
		if (!strcasecmp(cli_map_type(t, buf, sizeof(buf)), s)) {
			*type = t;
			return true;
		}
	}
	return false;
}

/* BPF_F_* flags of BPF_MAP_CREATE, by bit number. */
static const char *const map_flag_names[] = {
	"no_prealloc",		/* BPF_F_NO_PREALLOC */
	"no_common_lru",	/* BPF_F_NO_COMMON_LRU */
	"numa_node",		/* BPF_F_NUMA_NODE */
	"rdonly",		/* BPF_F_RDONLY */
	"wronly",		/* BPF_F_WRONLY */
	"stack_build_id",	/* BPF_F_STACK_BUILD_ID */
	"zero_seed",		/* BPF_F_ZERO_SEED */
	"rdonly_prog",		/* BPF_F_RDONLY_PROG */
	"wronly_prog",		/* BPF_F_WRONLY_PROG */
	"clone",		/* BPF_F_CLONE */
	"mmapable",		/* BPF_F_MMAPABLE */
	"preserve_elems",	/* BPF_F_PRESERVE_ELEMS */
	"inner_map",		/* BPF_F_INNER_MAP */
	"link",			/* BPF_F_LINK */
	"path_fd",		/* BPF_F_PATH_FD */
	"vtype_btf_obj_fd",	/* BPF_F_VTYPE_BTF_OBJ_FD */
	"token_fd",		/* BPF_F_TOKEN_FD (6.9) */
	"segv_on_fault",	/* BPF_F_SEGV_ON_FAULT (6.9) */
	"no_user_conv",		/* BPF_F_NO_USER_CONV (6.9) */
};

const char *cli_map_flag_name(unsigned int bit)
{
	return bit < ARRAY_SIZE(map_flag_names) ? map_flag_names[bit] : NULL;
}

const char *cli_map_flags(__u32 flags, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	if (!flags)
		return "-";
	for (unsigned int bit = 0; bit < 32 && off < len; bit++) {
		const char *name = cli_map_flag_name(bit);

		if (!(flags & (1U << bit)))
			continue;
		if (name)
			off += snprintf(buf + off, len - off, "%s%s", off ? "|" : "", name);
		else
			off += snprintf(buf + off, len - off, "%s0x%x", off ? "|" : "", 1U << bit);
	}
	return buf;
}

void cli_json_map_flags(struct json *j, __u32 flags)
{
	char hex[16];

	json_array_begin(j);
	for (unsigned int bit = 0; bit < 32; bit++) {
		if (!(flags & (1U << bit)))
			continue;
		if (cli_map_flag_name(bit)) {
			json_string(j, cli_map_flag_name(bit));
		} else {
			snprintf(hex, sizeof(hex), "0x%x", 1U << bit);
			json_string(j, hex);
		}
	}
	json_array_end(j);
}

static bool parse_one_flag(const char *s, size_t len, __u32 *flags)
{
	char word[CLI_NAME_LEN];
	__u32 v;

	if (!len || len >= sizeof(word))
		return false;
	memcpy(word, s, len);
	word[len] = '\0';
	if (cli_parse_u32(word, &v)) {
		*flags |= v;
		return true;
	}
	s = word;
	if (!strncasecmp(s, "BPF_F_", 6))
		s += 6;
	for (unsigned int bit = 0; bit < ARRAY_SIZE(map_flag_names); bit++) {
		if (!strcasecmp(map_flag_names[bit], s)) {
			*flags |= 1U << bit;
			return true;
		}
	}
	return false;
}

bool cli_parse_map_flags(const char *s, __u32 *flags)
{
	*flags = 0;
	while (*s) {
		size_t len = strcspn(s, ",|");

		if (!parse_one_flag(s, len, flags))
			return false;
		s += len;
		if (*s)
			s++;
	}
	return true;
}
