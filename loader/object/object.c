// SPDX-License-Identifier: BSD-2-Clause
/*
 * object.c - open a BPF object: read it, check it, model it.
 *
 * Opening runs these steps, each of which can reject the object with a
 * message naming the section and offset at fault:
 *
 *   ELF        headers, sections, symbols, relocation tables  (elf.c)
 *   license    "license" (string) and "version" (u32) sections
 *   BTF        .BTF parsed and patched: clang leaves each DATASEC's size
 *              and its variables' offsets for the loader to fill in
 *   .BTF.ext   func_info, line_info, core_relo tables      (btf_ext.c)
 *   programs   functions and entry programs             (programs.c)
 *   maps       legacy, BTF-defined and global data          (maps.c)
 *   linking    relocations applied, subprograms appended     (link.c)
 *
 * None of this talks to the kernel; bl_object_load() does that.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "object/btf.h"
#include "object/btf_ext.h"
#include "object/object.h"

/* Objects larger than this are refused before being read. */
#define MAX_OBJECT_SIZE		(1ULL << 30)

const char *bl_section_name(const struct bl_object *obj, unsigned int index)
{
	return index < obj->elf.nr_secs ? obj->elf.secs[index].name : "?";
}

/* ---- names ---------------------------------------------------------------------- */

static char *object_name(const char *path, const struct bl_open_opts *opts)
{
	const char *base;
	size_t len;
	char *name;

	if (opts && opts->name)
		return strdup(opts->name);
	base = path ? strrchr(path, '/') : NULL;
	base = base ? base + 1 : (path ? path : "object");
	len = strlen(base);
	if (len > 2 && !strcmp(base + len - 2, ".o"))
		len -= 2;
	name = strndup(base, len);
	return name;
}

/* The prefix of global-data map names: the object name, kept to what
 * the kernel allows in names ([A-Za-z0-9_]), e.g. "syscount_kern". */
static void set_kname_prefix(struct bl_object *obj)
{
	size_t j = 0;

	for (size_t i = 0; obj->name[i] && j < sizeof(obj->kname_prefix) - 1; i++) {
		char c = obj->name[i];

		if (!(c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		      (c >= 'A' && c <= 'Z')))
			c = '_';
		obj->kname_prefix[j++] = c;
	}
	obj->kname_prefix[j] = '\0';
}

/* ---- license and version -------------------------------------------------------- */

static int read_license(struct bl_object *obj, struct bl_error *e)
{
	struct bl_section *s = bl_elf_section_by_name(&obj->elf, "license");

	if (!s)
		return 0;
	if (!s->data || !s->size || !memchr(s->data, '\0', s->size))
		return bl_fail(e, -EINVAL, "section 'license' offset 0: the license must be a"
			       " NUL-terminated string (e.g. char _license[] SEC(\"license\") ="
			       " \"GPL\";)");
	obj->license = strdup((const char *)s->data);
	return obj->license ? 0 : bl_fail(e, -ENOMEM, "out of memory");
}

static int read_version(struct bl_object *obj, struct bl_error *e)
{
	struct bl_section *s = bl_elf_section_by_name(&obj->elf, "version");

	if (!s)
		return 0;
	if (!s->data || s->size != sizeof(__u32))
		return bl_fail(e, -EINVAL, "section 'version' offset 0: %llu bytes, expected a"
			       " 4-byte kernel version", (unsigned long long)s->size);
	memcpy(&obj->kern_version, s->data, sizeof(__u32));
	return 0;
}

/* ---- BTF -------------------------------------------------------------------- */

static const struct bl_symbol *find_var_symbol(const struct bl_object *obj, unsigned int sec,
					       const char *name)
{
	for (size_t i = 0; i < obj->elf.nr_syms; i++) {
		const struct bl_symbol *sym = &obj->elf.syms[i];

		if (sym->shndx == sec && sym->type == STT_OBJECT && !strcmp(sym->name, name))
			return sym;
	}
	return NULL;
}

static int cmp_vsi(const void *a, const void *b)
{
	const struct btf_var_secinfo *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/*
 * clang writes each DATASEC with size 0 (the section size is only known
 * after linking) and may leave variable offsets out.  Fill them from the
 * ELF section and symbols, then sort the variables by offset as the
 * kernel's BTF checker requires.
 */
static int fixup_datasec(struct bl_object *obj, struct btf_type *t, struct bl_error *e)
{
	const char *name = bl_btf_name(obj->btf, t);
	struct bl_section *s = bl_elf_section_by_name(&obj->elf, name);
	struct btf_var_secinfo *vs = bl_btf_extra(t);

	if (!s) {
		/* extern sections have no ELF section: the loader makes them */
		if (!strcmp(name, ".kconfig") || !strcmp(name, ".ksyms"))
			return 0;
		return bl_fail(e, -EINVAL, ".BTF: DATASEC '%s' describes a section the object"
			       " does not have", name);
	}
	if (s->size > UINT32_MAX)
		return bl_fail(e, -E2BIG, "section '%s': too large for BTF", name);
	t->size = s->size;
	for (__u32 i = 0; i < bl_btf_vlen(t); i++) {
		const struct btf_type *var = bl_btf_type(obj->btf, vs[i].type);
		const struct bl_symbol *sym;

		if (!var || bl_btf_kind(var) != BTF_KIND_VAR)
			return bl_fail(e, -EINVAL, ".BTF: DATASEC '%s' entry %u is type %u, not a"
				       " VAR", name, i, vs[i].type);
		sym = find_var_symbol(obj, s->index, bl_btf_name(obj->btf, var));
		if (sym && sym->value > s->size)
			return bl_fail(e, -EINVAL, "section '%s': variable '%s' has symbol value"
				       " %#llx, outside the section", name,
				       bl_btf_name(obj->btf, var), (unsigned long long)sym->value);
		if (sym)
			vs[i].offset = sym->value;
		if ((__u64)vs[i].offset + vs[i].size > s->size)
			return bl_fail(e, -EINVAL, ".BTF: variable '%s' at offset %u (%u bytes)"
				       " runs past section '%s' (%llu bytes)",
				       bl_btf_name(obj->btf, var), vs[i].offset, vs[i].size,
				       name, (unsigned long long)s->size);
	}
	qsort(vs, bl_btf_vlen(t), sizeof(*vs), cmp_vsi);
	return 0;
}

static int read_btf(struct bl_object *obj, const struct bl_open_opts *opts, struct bl_error *e)
{
	struct bl_section *s = bl_elf_section_by_name(&obj->elf, ".BTF");
	struct bl_section *x = bl_elf_section_by_name(&obj->elf, ".BTF.ext");
	int err;

	if (!s || (opts && opts->no_btf))
		return 0;
	if (!s->data)
		return bl_fail(e, -EINVAL, "section '.BTF' has no contents");
	err = bl_btf_parse(s->data, s->size, NULL, ".BTF", &obj->btf, e);
	for (__u32 id = 1; !err && id < bl_btf_type_cnt(obj->btf); id++) {
		struct btf_type *t = bl_btf_type_mut(obj->btf, id);

		if (bl_btf_kind(t) == BTF_KIND_DATASEC)
			err = fixup_datasec(obj, t, e);
	}
	if (err || !x)
		return err;
	if (!x->data)
		return bl_fail(e, -EINVAL, "section '.BTF.ext' has no contents");
	return bl_btf_ext_parse(x->data, x->size, obj->btf, &obj->btf_ext, e);
}

/* ---- open and close -------------------------------------------------------------- */

static int parse(struct bl_object *obj, const struct bl_open_opts *opts, struct bl_error *e)
{
	int err = bl_elf_open(&obj->elf, obj->image, obj->image_size, e);

	if (!err)
		err = read_license(obj, e);
	if (!err)
		err = read_version(obj, e);
	if (!err)
		err = read_btf(obj, opts, e);
	if (!err)
		err = bl_programs_collect(obj, e);
	if (!err)
		err = bl_maps_collect(obj, e);
	if (!err)
		err = bl_programs_link(obj, e);
	if (!err && obj->nr_progs && !obj->license)
		err = bl_fail(e, -EINVAL, "no 'license' section: the kernel needs to know the"
			      " programs' license (GPL-only helpers depend on it); add"
			      " char _license[] SEC(\"license\") = \"GPL\";");
	return err;
}

/* Takes ownership of image. */
static struct bl_object *open_image(unsigned char *image, size_t size, const char *path,
				    const struct bl_open_opts *opts, struct bl_error *e)
{
	struct bl_object *obj = calloc(1, sizeof(*obj));
	struct bl_error local;
	int err;

	if (!e)
		e = &local;
	memset(e, 0, sizeof(*e));
	if (!obj) {
		free(image);
		bl_fail(e, -ENOMEM, "out of memory");
		return NULL;
	}
	obj->image = image;
	obj->image_size = size;
	obj->btf_fd = -1;
	obj->name = object_name(path, opts);
	if (!obj->name) {
		bl_object_close(obj);
		bl_fail(e, -ENOMEM, "out of memory");
		return NULL;
	}
	set_kname_prefix(obj);
	err = parse(obj, opts, e);
	if (err) {
		char first[BL_ERRMSG_LEN];

		/* name the object in front of what went wrong */
		snprintf(first, sizeof(first), "%s", e->msg);
		bl_fail(e, err, "%s: %s", path ? path : obj->name, first);
		bl_object_close(obj);
		errno = -err;
		return NULL;
	}
	return obj;
}

BL_API struct bl_object *bl_object_open_mem(const void *buf, size_t size,
					    const struct bl_open_opts *opts,
					    struct bl_error *err)
{
	unsigned char *copy = malloc(size ? size : 1);

	if (!copy) {
		bl_fail(err, -ENOMEM, "out of memory for a %zu-byte object", size);
		errno = ENOMEM;
		return NULL;
	}
	if (size)
		memcpy(copy, buf, size);
	return open_image(copy, size, NULL, opts, err);
}

static int read_file(const char *path, unsigned char **out, size_t *size, struct bl_error *e)
{
	unsigned char *buf = NULL;
	struct stat st;
	size_t done = 0;
	char msg[96];
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		return bl_fail(e, err, "cannot open '%s': %s", path, bl_strerror(err, msg, sizeof(msg)));
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || (unsigned long long)st.st_size > MAX_OBJECT_SIZE) {
		err = bl_fail(e, -EINVAL, "'%s' is not a regular file of at most %llu bytes", path,
			      MAX_OBJECT_SIZE);
		goto out;
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf) {
		err = bl_fail(e, -ENOMEM, "out of memory reading '%s'", path);
		goto out;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, st.st_size - done);

		if (n <= 0) {
			err = n ? -errno : -EIO;
			bl_fail(e, err, "cannot read '%s': %s", path, bl_strerror(err, msg, sizeof(msg)));
			free(buf);
			buf = NULL;
			goto out;
		}
		done += n;
	}
	err = 0;
	*out = buf;
	*size = done;
out:
	close(fd);
	return err;
}

BL_API struct bl_object *bl_object_open(const char *path, const struct bl_open_opts *opts,
					struct bl_error *err)
{
	unsigned char *image = NULL;
	size_t size = 0;
	int ret;

	ret = read_file(path, &image, &size, err);
	if (ret) {
		errno = -ret;
		return NULL;
	}
	return open_image(image, size, path, opts, err);
}

BL_API void bl_object_close(struct bl_object *obj)
{
	if (!obj)
		return;
	if (obj->release_links)
		obj->release_links(obj);
	if (obj->release_kernel)
		obj->release_kernel(obj);
	for (size_t i = 0; i < obj->nr_progs; i++)
		bl_program_free(&obj->progs[i]);
	for (size_t i = 0; i < obj->nr_maps; i++)
		bl_map_free(&obj->maps[i]);
	free(obj->progs);
	free(obj->maps);
	free(obj->funcs);
	bl_btf_ext_free(obj->btf_ext);
	bl_btf_free(obj->btf);
	bl_elf_close(&obj->elf);
	free(obj->license);
	free(obj->errmsg);
	free(obj->btf_warning);
	free(obj->image);
	free(obj->name);
	free(obj);
}

/* ---- object accessors ---------------------------------------------------------- */

BL_API const char *bl_object_name(const struct bl_object *obj)
{
	return obj->name;
}

BL_API const char *bl_object_license(const struct bl_object *obj)
{
	return obj->license;
}

BL_API __u32 bl_object_kern_version(const struct bl_object *obj)
{
	return obj->kern_version;
}

BL_API const char *bl_object_error(const struct bl_object *obj)
{
	return obj->errmsg ? obj->errmsg : obj->err.msg;
}

BL_API bool bl_object_has_btf(const struct bl_object *obj)
{
	return obj->btf != NULL;
}

BL_API bool bl_object_has_btf_ext(const struct bl_object *obj)
{
	return obj->btf_ext != NULL;
}

BL_API size_t bl_object_section_count(const struct bl_object *obj)
{
	return obj->elf.nr_secs;
}

BL_API int bl_object_section(const struct bl_object *obj, size_t i, struct bl_section_info *out)
{
	const struct bl_section *s;

	if (i >= obj->elf.nr_secs)
		return -ENOENT;
	s = &obj->elf.secs[i];
	*out = (struct bl_section_info){
		.index = s->index, .name = s->name, .type = s->type, .flags = s->flags,
		.size = s->size, .role = bl_sec_role_name(s->role),
	};
	return 0;
}
