/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sample_memcpy.h - what memcpy_kprobe and memcpy_stat do the same way:
 * their options -f FUNCTION, -a ARG and -t, and the choice of what to
 * attach to (memcpy_load).
 *
 * Both objects hold the same two programs (kern/memcpy.h): memcpy_size,
 * a kprobe reading the size from argument size_arg (.rodata, set before
 * load), and copy_datagram, on the skb/skb_copy_datagram_iovec
 * tracepoint for kernels without kprobes.  Where the kernel refuses a
 * kprobe on memcpy (a "notrace" function on kernels built without
 * CONFIG_KPROBE_EVENTS_ON_NOTRACE), the kprobe goes on
 * skb_copy_datagram_iter (the copy of received socket data to the
 * reader's buffer, size in argument 4) instead, unless -f chose the
 * function.
 */
#ifndef BPFLOAD_SAMPLE_MEMCPY_H
#define BPFLOAD_SAMPLE_MEMCPY_H

#include <sysexits.h>

#include <sample.h>

#define FALLBACK_FUNC	"skb_copy_datagram_iter"
#define FALLBACK_ARG	4

static const char *func = "memcpy";	/* -f: the function probed */
static unsigned int size_arg = 3;	/* -a: its argument holding the size */
static bool func_given, use_tracepoint;
static const char *keep_prog;		/* for memcpy_prepare() */

/* What a sample says in memcpy_load(). */
struct memcpy_sample {
	const char *name;	/* starts the messages */
	const char *shows;	/* what --tracepoint does: "shows", "counts" */
	const char *probing;	/* what the fallback does: "Probing", "Counting" */
	void (*prepare)(struct bl_object *obj);	/* calls memcpy_prepare() */
};

/* The options -f, -a and -t; -1 for any other option. */
static inline int memcpy_opt(const char *name, int opt, const char *arg)
{
	char *end;

	switch (opt) {
	case 'f':
		func = arg;
		func_given = true;
		return 0;
	case 'a':
		size_arg = (unsigned int)strtoul(arg, &end, 10);
		if (*end || size_arg < 1 || size_arg > 6)
			sample_die("%s: --arg wants 1 to 6, not '%s'", name, arg);
		return 0;
	case 't':
		use_tracepoint = true;
		return 0;
	}
	return -1;
}

/* Before load: only keep_prog, with the size argument.  0 or -errno. */
static inline int memcpy_prepare(struct bl_object *obj)
{
	sample_autoload_only(obj, keep_prog);
	return bl_object_set_global(obj, "size_arg", &size_arg, sizeof(size_arg));
}

/* Load the kprobe program for func/size_arg and probe func. */
static inline struct bl_object *memcpy_load_kprobe(const char *argv0,
						   const struct memcpy_sample *s,
						   struct bl_link **link, struct bl_error *err)
{
	struct bl_object *obj;

	keep_prog = "memcpy_size";
	obj = sample_load(argv0, s->prepare);
	*link = bl_attach_kprobe(bl_program_fd(bl_object_find_program(obj, keep_prog)), func, 0,
				 false, NULL, err);
	if (!*link) {
		bl_object_close(obj);
		return NULL;
	}
	return obj;
}

/*
 * Load and attach: with -t the tracepoint program; else the kprobe on
 * func, or on FALLBACK_FUNC (saying so) where the kernel refuses that
 * and -f was not given.  Without kprobes at all: say so and exit with
 * EX_UNAVAILABLE.  Any other failure exits too.
 */
static inline struct bl_object *memcpy_load(const char *argv0, const struct memcpy_sample *s,
					    struct bl_link **link)
{
	struct bl_object *obj;
	struct bl_error err;

	if (use_tracepoint) {
		keep_prog = "copy_datagram";
		obj = sample_load(argv0, s->prepare);
		*link = bl_program_attach(bl_object_find_program(obj, keep_prog), &err);
		if (!*link)
			sample_die("%s: %s", s->name, err.msg);
		return obj;
	}
	obj = memcpy_load_kprobe(argv0, s, link, &err);
	if (!obj && err.err == -EOPNOTSUPP) {
		fprintf(stderr, "%s: this kernel has no kprobes, so memcpy cannot be traced here.\n"
			"(%s)\n%s --tracepoint %s the socket receive copies"
			" (skb/skb_copy_datagram_iovec) instead.\n", s->name, err.msg, s->name,
			s->shows);
		exit(EX_UNAVAILABLE);
	}
	if (!obj && !func_given) {
		printf("The kernel refuses a kprobe on memcpy (%s).\n"
		       "%s %s (socket receive copies, size in argument %d) instead.\n",
		       err.msg, s->probing, FALLBACK_FUNC, FALLBACK_ARG);
		func = FALLBACK_FUNC;
		size_arg = FALLBACK_ARG;
		obj = memcpy_load_kprobe(argv0, s, link, &err);
	}
	if (!obj)
		sample_die("%s: %s", s->name, err.msg);
	return obj;
}

#endif /* BPFLOAD_SAMPLE_MEMCPY_H */
