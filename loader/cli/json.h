/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * json.h - a small streaming JSON writer for the bpfload tool.
 *
 * Values are written as they come; the writer only remembers, per open
 * object or array, whether a separator is due.  Strings are escaped as
 * RFC 8259 requires: '"', '\\' and control characters are escaped, valid
 * UTF-8 passes through, and each byte that is not part of a valid UTF-8
 * sequence is written as \u00XX (the Latin-1 code point of that byte), so
 * the output is valid JSON whatever bytes an object file holds.
 *
 * Compact by default (one line); "pretty" indents by two spaces.
 */
#ifndef BPFLOAD_CLI_JSON_H
#define BPFLOAD_CLI_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json {
	FILE *f;
	bool pretty;
	int depth;
	bool after_key;			/* a key was written, its value is due */
	bool has_items[JSON_MAX_DEPTH];	/* an item was written at this depth */
};

void json_init(struct json *j, FILE *f, bool pretty);
/* End the document: a final newline. */
void json_finish(struct json *j);

void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);

/* The key of the next member of the current object. */
void json_key(struct json *j, const char *key);

void json_string(struct json *j, const char *s);	/* NULL: null */
void json_string_len(struct json *j, const char *s, size_t len);
void json_u64(struct json *j, uint64_t v);
void json_s64(struct json *j, int64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* Bytes as a string of lower-case hex digits, two per byte. */
void json_hex(struct json *j, const void *buf, size_t len);
/* A value the caller formatted itself (must be valid JSON). */
void json_raw(struct json *j, const char *text, size_t len);

/* key: value shorthands */
void json_kv_string(struct json *j, const char *key, const char *s);
void json_kv_u64(struct json *j, const char *key, uint64_t v);
void json_kv_s64(struct json *j, const char *key, int64_t v);
void json_kv_bool(struct json *j, const char *key, bool v);
void json_kv_null(struct json *j, const char *key);

#endif /* BPFLOAD_CLI_JSON_H */
